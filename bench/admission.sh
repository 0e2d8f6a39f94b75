#!/usr/bin/env bash
# Admission benchmark: what the whole mutation path costs on the proxy path —
# identify → parse → persisted → declare → four-eyes → rate (Redis EVALSHA) →
# debit (Postgres reservation, settled after the answer). nginx serving a fixed
# GraphQL answer (with extensions.cost) is the upstream. In the same run:
# nginx as a keep-alive proxy (reference), safemut without Postgres or Redis
# (passthrough: identify, parse, persisted, declare, four-eyes decision),
# safemut with the ledger but no Redis (rate off), and the full path on one hot
# tenant and on 1,000 tenants; then pgbench updating one tenant_budget row
# (the hot-row ceiling of this Postgres) and redis-benchmark PING (the
# round-trip floor of this Redis). nginx, passthrough and the full hot path
# run at 1, 32 and 128 connections; the rest at 32. wrk POSTs a mutation for
# DURATION, ROUNDS times in turn; the tables give the median of each.
#   bash bench/admission.sh      # DURATION=10s ROUNDS=3
# Everything binds 127.0.0.1; every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib.sh
DURATION=${DURATION:-10s}
CONNS=32
LEVELS=${LEVELS:-1 32 128}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}

apt_install nginx wrk postgresql redis-server
swift build -c release --product safemut >/dev/null
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d /tmp/safemut-admbench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() { stop_pid "${PIDS[@]:-}"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

UP_PORT=$(free_port); NGX_PORT=$(free_port); OFF_PORT=$(free_port); LED_PORT=$(free_port); FULL_PORT=$(free_port)
PG_PORT=$(free_port); start_postgres "$WORK/pg" "$PG_PORT"; PIDS+=("$PG_PID")
RD_PORT=$(free_port); start_redis "$WORK/redis" "$RD_PORT"; PIDS+=("$REDIS_PID")
export DATABASE_URL
"$BIN/safemut" migrate --directory db/migrations >/dev/null 2>&1
# Limits no run can reach, so every mutation is admitted and debited.
"$PG_BIN/psql" -q "$DATABASE_URL" -c "UPDATE tenant_budget SET daily_usd_limit = 1000000000, monthly_usd_limit = 1000000000" \
  -c "INSERT INTO tenant_budget (tenant_id, daily_usd_limit, monthly_usd_limit) SELECT 'bench-' || i, 1000000000, 1000000000 FROM generate_series(0, 999) i"

ANSWER='{"data":{"createEntity":{"id":"ent-000001"}},"extensions":{"cost":{"actualUsd":"0.016000","actualTokens":160}}}'

GATEWAY_EXTRA=$(printf 'workers:\n  enabled: false')
# Rates no run can reach, so the bucket is checked and taken on every mutation but never
# empties: the figure is the cost of the check, not of refusals.
RATE_EXTRA=$(cat <<'YAML'
rate:
  classes:
    default: {tenant_per_second: 1000000, tenant_burst: 1000000, operation_per_second: 1000000, operation_burst: 1000000}
    canary: {tenant_per_second: 1000000, tenant_burst: 1000000, operation_per_second: 1000000, operation_burst: 1000000}
YAML
)
nginx_upstream "$UP_PORT" "$ANSWER"
nginx_proxy "$NGX_PORT" "$UP_PORT"
env -u DATABASE_URL "$BIN/safemut" serve --config "$(gateway_config "$OFF_PORT" "$GATEWAY_EXTRA")" >"$WORK/off.log" 2>&1 & PIDS+=($!)
"$BIN/safemut" serve --config "$(gateway_config "$LED_PORT" "$GATEWAY_EXTRA")" >"$WORK/ledger.log" 2>&1 & PIDS+=($!)
REDIS_URL=$REDIS_URL "$BIN/safemut" serve --config "$(gateway_config "$FULL_PORT" "$GATEWAY_EXTRA
$RATE_EXTRA")" >"$WORK/full.log" 2>&1 & PIDS+=($!)
for p in $UP_PORT $NGX_PORT $OFF_PORT $LED_PORT $FULL_PORT; do wait_port "$p" 30; done

pgbench_tps() {
  printf "UPDATE tenant_budget SET daily_reserved_usd = daily_reserved_usd + 0.02 WHERE tenant_id = 'demo';\n" >"$WORK/hot.sql"
  "$PG_BIN/pgbench" -n -c "$CONNS" -j 2 -T "${DURATION%s}" -f "$WORK/hot.sql" "$DATABASE_URL" 2>/dev/null \
    | awk '/^tps/ {print $3; exit}'
}

redis_ping() {
  # -q rewrites its progress line with \r; the final line is "PING_MBULK: N requests per second, …".
  redis-benchmark -h 127.0.0.1 -p "$RD_PORT" -c "$CONNS" -n 200000 -t ping_mbulk -q 2>/dev/null | tr '\r' '\n' \
    | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/) { print $i; exit } }'
}

for p in $NGX_PORT $OFF_PORT $LED_PORT $FULL_PORT; do timeout 30 wrk -t1 -c8 -d2s -s bench/post.lua "http://127.0.0.1:$p/graphql" >/dev/null; done

# case@conns: nginx, passthrough and full (hot) at every level; ledger-only and full spread at 32.
CASES=()
for c in $LEVELS; do CASES+=("nginx@$c" "passthrough@$c" "full@$c"); done
CASES+=("ledger@32" "spread@32")
declare -A RPS P50 P99 CPG CSM CRD CNG COT
for r in $(seq 1 "$ROUNDS"); do
  for key in "${CASES[@]}"; do
    case=${key%@*}; conns=${key#*@}
    case $case in
      nginx) port=$NGX_PORT; script=bench/post.lua ;;
      passthrough) port=$OFF_PORT; script=bench/post.lua ;;
      ledger) port=$LED_PORT; script=bench/post.lua ;;
      full) port=$FULL_PORT; script=bench/post.lua ;;
      spread) port=$FULL_PORT; script=bench/post-tenants.lua ;;
    esac
    before=$(cpu_ticks)
    read -r rps p50 p99 <<<"$(wrk_stats "$port" "$conns" "$script")"
    read -r c_pg c_sm c_rd c_ng c_ot <<<"$(cpu_split "$before" "$(cpu_ticks)" "$(awk -v r="$rps" -v d="${DURATION%s}" 'BEGIN { print int(r * d) }')")"
    printf 'round %s %-16s %9s rps  p50 %7s ms  p99 %7s ms  cpu us/req: pg %s safemut %s redis %s nginx %s wrk+other %s\n' \
      "$r" "$key" "$rps" "$p50" "$p99" "$c_pg" "$c_sm" "$c_rd" "$c_ng" "$c_ot"
    RPS[$key]="${RPS[$key]:-} $rps"; P50[$key]="${P50[$key]:-} $p50"; P99[$key]="${P99[$key]:-} $p99"
    CPG[$key]="${CPG[$key]:-} $c_pg"; CSM[$key]="${CSM[$key]:-} $c_sm"; CRD[$key]="${CRD[$key]:-} $c_rd"
    CNG[$key]="${CNG[$key]:-} $c_ng"; COT[$key]="${COT[$key]:-} $c_ot"
  done
  tps=$(pgbench_tps); echo "round $r pgbench hot-row UPDATE, $CONNS clients: $tps tps"; PGB="${PGB:-} $tps"
  ping=$(redis_ping); echo "round $r redis-benchmark PING, $CONNS clients: $ping rps"; RDB="${RDB:-} $ping"
done

echo
printf '%-44s | %10s | %9s | %9s\n' "median of $ROUNDS rounds" "rps" "p50 ms" "p99 ms"
for key in "${CASES[@]}"; do
  case=${key%@*}; conns=${key#*@}
  case $case in
    nginx) label="nginx proxy (reference)" ;;
    passthrough) label="safemut, no Postgres/Redis" ;;
    ledger) label="safemut + ledger (no rate)" ;;
    full) label="safemut full path, 1 tenant" ;;
    spread) label="safemut full path, 1,000 tenants" ;;
  esac
  printf '%-44s | %10s | %9s | %9s\n' "$label, $conns conns" "$(median <<<"${RPS[$key]}")" "$(median <<<"${P50[$key]}")" "$(median <<<"${P99[$key]}")"
done
echo
echo "where the CPU went: median CPU microseconds per request (2 cores = 2,000,000 us/s in all)"
printf '%-44s | %8s | %8s | %8s | %8s | %9s\n' "case" "postgres" "safemut" "redis" "nginx" "wrk+other"
for key in "${CASES[@]}"; do
  printf '%-44s | %8s | %8s | %8s | %8s | %9s\n' "$key" "$(median <<<"${CPG[$key]}")" "$(median <<<"${CSM[$key]}")" \
    "$(median <<<"${CRD[$key]}")" "$(median <<<"${CNG[$key]}")" "$(median <<<"${COT[$key]}")"
done
echo
printf '%-44s | %10s |\n' "pgbench, one-row UPDATE (tps), 32 clients" "$(median <<<"$PGB")"
printf '%-44s | %10s |\n' "redis-benchmark PING (rps), 32 clients" "$(median <<<"$RDB")"
echo
for c in $LEVELS; do
  awk -v a="$(median <<<"${P99[full@$c]}")" -v b="$(median <<<"${P99[passthrough@$c]}")" -v c="$c" \
    'BEGIN { printf "full path adds %+.3f ms p99 over passthrough at %s conns (target <= 3 ms at 32)\n", a-b, c }'
done
awk -v a="$(median <<<"${P99[spread@32]}")" -v b="$(median <<<"${P99[passthrough@32]}")" \
  'BEGIN { printf "full path (1,000 tenants) adds %+.3f ms p99 over passthrough at 32 conns\n", a-b }'
# Settlements run after the responses: report how long the backlog takes to drain.
drain_start=$(date +%s)
for _ in $(seq 1 120); do
  left=$("$PG_BIN/psql" -qAt "$DATABASE_URL" -c "SELECT count(*) FROM budget_ledger WHERE status = 'reserved'")
  [ "$left" = 0 ] && break
  sleep 0.5
done
settled=$("$PG_BIN/psql" -qAt "$DATABASE_URL" -c "SELECT count(*) FILTER (WHERE status='settled'), count(*) FILTER (WHERE status='reserved') FROM budget_ledger")
echo "ledger rows settled|still reserved: $settled ($(( $(date +%s) - drain_start )) s after the last run)"
