#!/usr/bin/env bash
# Admission benchmark: what the ledger step (reserve before forwarding, settle
# after) costs on the proxy path. nginx serving a fixed GraphQL answer (with
# extensions.cost) is the upstream. In the same run: nginx as a keep-alive
# proxy (reference), safemut without a database (passthrough: identify, parse,
# persisted, declare), safemut with the ledger on one hot tenant, and on 1,000
# tenants; then pgbench updating one tenant_budget row from 32 clients (the
# hot-row ceiling of this Postgres). wrk POSTs a mutation for DURATION at CONNS
# connections, ROUNDS times in turn; the table gives the median of each.
#   bash bench/admission.sh      # DURATION=10s CONNS=32 ROUNDS=3
# Everything binds 127.0.0.1; every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib.sh
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}

apt_install nginx wrk postgresql
swift build -c release --product safemut >/dev/null
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d /tmp/safemut-admbench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() { stop_pid "${PIDS[@]:-}"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

UP_PORT=$(free_port); NGX_PORT=$(free_port); OFF_PORT=$(free_port); LED_PORT=$(free_port)
PG_PORT=$(free_port); start_postgres "$WORK/pg" "$PG_PORT"; PIDS+=("$PG_PID")
export DATABASE_URL
"$BIN/safemut" migrate --directory db/migrations >/dev/null 2>&1
# Limits no run can reach, so every mutation is admitted and debited.
"$PG_BIN/psql" -q "$DATABASE_URL" -c "UPDATE tenant_budget SET daily_usd_limit = 1000000000, monthly_usd_limit = 1000000000" \
  -c "INSERT INTO tenant_budget (tenant_id, daily_usd_limit, monthly_usd_limit) SELECT 'bench-' || i, 1000000000, 1000000000 FROM generate_series(0, 999) i"

ANSWER='{"data":{"createEntity":{"id":"ent-000001"}},"extensions":{"cost":{"actualUsd":"0.016000","actualTokens":160}}}'

GATEWAY_EXTRA=$(printf 'workers:\n  enabled: false')
nginx_upstream "$UP_PORT" "$ANSWER"
nginx_proxy "$NGX_PORT" "$UP_PORT"
env -u DATABASE_URL "$BIN/safemut" serve --config "$(gateway_config "$OFF_PORT" "$GATEWAY_EXTRA")" >"$WORK/off.log" 2>&1 & PIDS+=($!)
"$BIN/safemut" serve --config "$(gateway_config "$LED_PORT" "$GATEWAY_EXTRA")" >"$WORK/ledger.log" 2>&1 & PIDS+=($!)
for p in $UP_PORT $NGX_PORT $OFF_PORT $LED_PORT; do wait_port "$p" 30; done

pgbench_tps() {
  printf "UPDATE tenant_budget SET daily_reserved_usd = daily_reserved_usd + 0.02 WHERE tenant_id = 'demo';\n" >"$WORK/hot.sql"
  "$PG_BIN/pgbench" -n -c "$CONNS" -j 2 -T "${DURATION%s}" -f "$WORK/hot.sql" "$DATABASE_URL" 2>/dev/null \
    | awk '/^tps/ {print $3; exit}'
}

for p in $NGX_PORT $OFF_PORT $LED_PORT; do timeout 30 wrk -t1 -c8 -d2s -s bench/post.lua "http://127.0.0.1:$p/graphql" >/dev/null; done

declare -A RPS P50 P99
for r in $(seq 1 "$ROUNDS"); do
  for case in nginx passthrough hot spread; do
    case $case in
      nginx) port=$NGX_PORT; script=bench/post.lua ;;
      passthrough) port=$OFF_PORT; script=bench/post.lua ;;
      hot) port=$LED_PORT; script=bench/post.lua ;;
      spread) port=$LED_PORT; script=bench/post-tenants.lua ;;
    esac
    read -r rps p50 p99 <<<"$(wrk_stats "$port" "$CONNS" "$script")"
    printf 'round %s %-12s %9s rps  p50 %7s ms  p99 %7s ms\n' "$r" "$case" "$rps" "$p50" "$p99"
    RPS[$case]="${RPS[$case]:-} $rps"; P50[$case]="${P50[$case]:-} $p50"; P99[$case]="${P99[$case]:-} $p99"
  done
  tps=$(pgbench_tps); echo "round $r pgbench hot-row UPDATE, $CONNS clients: $tps tps"; PGB="${PGB:-} $tps"
done

echo
printf '%-38s | %10s | %9s | %9s\n' "median of $ROUNDS rounds, $CONNS conns" "rps" "p50 ms" "p99 ms"
for case in nginx passthrough hot spread; do
  case $case in
    nginx) label="nginx proxy (reference)" ;;
    passthrough) label="safemut, no ledger" ;;
    hot) label="safemut + ledger, 1 tenant" ;;
    spread) label="safemut + ledger, 1,000 tenants" ;;
  esac
  printf '%-38s | %10s | %9s | %9s\n' "$label" "$(median <<<"${RPS[$case]}")" "$(median <<<"${P50[$case]}")" "$(median <<<"${P99[$case]}")"
done
printf '%-38s | %10s |\n' "pgbench, one-row UPDATE (tps)" "$(median <<<"$PGB")"
off=$(median <<<"${P99[passthrough]}")
echo
for case in hot spread; do
  awk -v a="$(median <<<"${P99[$case]}")" -v b="$off" -v c="$case" 'BEGIN { printf "ledger (%s) adds %+.3f ms p99 over passthrough (target <= 2 ms)\n", c, a-b }'
done
# Settlements run after the responses: report how long the backlog takes to drain.
drain_start=$(date +%s)
for _ in $(seq 1 120); do
  left=$("$PG_BIN/psql" -qAt "$DATABASE_URL" -c "SELECT count(*) FROM budget_ledger WHERE status = 'reserved'")
  [ "$left" = 0 ] && break
  sleep 0.5
done
settled=$("$PG_BIN/psql" -qAt "$DATABASE_URL" -c "SELECT count(*) FILTER (WHERE status='settled'), count(*) FILTER (WHERE status='reserved') FROM budget_ledger")
echo "ledger rows settled|still reserved: $settled ($(( $(date +%s) - drain_start )) s after the last run)"
