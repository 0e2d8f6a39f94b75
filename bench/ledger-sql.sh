#!/usr/bin/env bash
# The ledger's SQL functions alone, at one connection (pgbench): budget_reserve, and
# budget_reserve then budget_settle, in a database migrated at BEFORE (a git revision) and
# in one migrated with this checkout's db/migrations. Isolates what the functions cost per
# call from the gateway (issue 14's 1-connection regression).
#   BEFORE=f851ca9 bash bench/ledger-sql.sh     # SECONDS_EACH=5
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
BEFORE=${BEFORE:-f851ca9}
SECONDS_EACH=${SECONDS_EACH:-5}
apt_install postgresql
WORK=$(mktemp -d /tmp/safemut-ledgersql.XXXXXX); chmod 755 "$WORK"
PORT=$(free_port); start_postgres "$WORK/pg" "$PORT"
trap 'stop_pid "$PG_PID"; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/before"
git archive "$BEFORE" db/migrations | tar -x -C "$WORK/before"
"$PG_BIN/psql" -qAt "$DATABASE_URL" -c "CREATE DATABASE before" -c "CREATE DATABASE after"
url() { echo "postgres://postgres@127.0.0.1:$PORT/$1"; }
for f in "$WORK"/before/db/migrations/*.sql; do "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 "$(url before)" -f "$f" >/dev/null; done
for f in db/migrations/*.sql; do "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 "$(url after)" -f "$f" >/dev/null; done
for db in before after; do
  "$PG_BIN/psql" -qAt "$(url $db)" -c "UPDATE tenant_budget SET daily_usd_limit = 1000000000, monthly_usd_limit = 1000000000"
done
echo "SELECT * FROM budget_reserve('demo', 0.020000, 200, 'Create', 'h', 'c' || random(), NULL, 'u', 300000);" >"$WORK/reserve.sql"
echo "SELECT budget_settle('demo', (SELECT ledger_id FROM budget_reserve('demo', 0.020000, 200, 'Create', 'h', 'c' || random(), NULL, 'u', 300000)), 0.016000, 160, NULL, NULL, NULL);" >"$WORK/both.sql"
printf '%-10s | %-22s | %10s | %10s\n' "schema" "statement" "tps" "us/call"
for db in before after; do
  for s in reserve both; do
    tps=$("$PG_BIN/pgbench" -n -c 1 -T "$SECONDS_EACH" -f "$WORK/$s.sql" "$(url $db)" 2>&1 | awk '/^tps/ {print $3}')
    label=$([ "$s" = reserve ] && echo "reserve" || echo "reserve + settle")
    printf '%-10s | %-22s | %10.0f | %10.0f\n' "$db" "$label" "$tps" "$(awk -v t="$tps" 'BEGIN { print 1000000 / t }')"
  done
done
