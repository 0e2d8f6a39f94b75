#!/usr/bin/env bash
# Persisted-query benchmark: what the allowlist step costs on the proxy path.
# nginx serving a fixed GraphQL answer is the upstream. In front of it, in the
# same run: nginx as a keep-alive proxy (the reference), safemut with
# PQ_PHASE=off (passthrough: identify, parse, @budget declaration), and safemut
# with PQ_PHASE=enforce and the document on the allowlist; then enforce with a
# reformatted copy of the document (the hash-drift path: normalized hash,
# memoized). wrk POSTs bench/query.lua's query (queries are not debited, so the
# ledger stays out of the figures) for DURATION at CONNS
# connections, ROUNDS times in turn, and the table gives the median of each.
#   bash bench/pq.sh            # DURATION=10s CONNS=32 ROUNDS=3
# Everything binds 127.0.0.1; every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib.sh
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}

apt_install nginx wrk postgresql redis-server curl
swift build -c release --product safemut >/dev/null
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d /tmp/safemut-pqbench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() { stop_pid "${PIDS[@]:-}"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

UP_PORT=$(free_port); NGX_PORT=$(free_port); OFF_PORT=$(free_port); ENF_PORT=$(free_port)
PG_PORT=$(free_port); start_postgres "$WORK/pg" "$PG_PORT"; PIDS+=("$PG_PID")
REDIS_PORT=$(free_port); start_redis "$WORK/redis" "$REDIS_PORT"; PIDS+=("$REDIS_PID")
export DATABASE_URL REDIS_URL ENVIRONMENT=bench
"$BIN/safemut" migrate --directory db/migrations >/dev/null

ANSWER='{"data":{"createEntity":{"id":"ent-000001"}},"extensions":{"cost":{"actualUsd":"0.016000","actualTokens":160}}}'

GATEWAY_EXTRA=$(printf 'admin:\n  loopback_operator: true')
nginx_upstream "$UP_PORT" "$ANSWER"
nginx_proxy "$NGX_PORT" "$UP_PORT"
PQ_PHASE=off "$BIN/safemut" serve --config "$(gateway_config "$OFF_PORT" "$GATEWAY_EXTRA")" >"$WORK/off.log" 2>&1 & PIDS+=($!)
PQ_PHASE=enforce "$BIN/safemut" serve --config "$(gateway_config "$ENF_PORT" "$GATEWAY_EXTRA")" >"$WORK/enforce.log" 2>&1 & PIDS+=($!)
for p in $UP_PORT $NGX_PORT $OFF_PORT $ENF_PORT; do wait_port "$p" 30; done

# The benchmark's document on the allowlist, with its body (so its normalized hash is known).
QUERY='query Bench { entities(limit: 2) { id } }'
HASH=$(printf '%s' "$QUERY" | sha256sum | cut -d' ' -f1)
curl -sf -X POST "http://127.0.0.1:$ENF_PORT/admin/persisted-queries/allowlist" -H 'Content-Type: application/json' \
  -d "{\"format\":\"apollo-persisted-query-manifest\",\"version\":1,\"operations\":[{\"id\":\"$HASH\",\"name\":\"Bench\",\"type\":\"query\",\"body\":\"$QUERY\"}]}" >/dev/null
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$ENF_PORT/graphql" -H 'X-Tenant: demo' \
  -d "{\"query\":\"$QUERY\"}")
[ "$status" = 200 ] || { echo "enforce gateway refused the listed document ($status)"; cat "$WORK/enforce.log"; exit 1; }


for p in $NGX_PORT $OFF_PORT $ENF_PORT; do timeout 30 wrk -t1 -c8 -d2s -s bench/query.lua "http://127.0.0.1:$p/graphql" >/dev/null; done

declare -A RPS P50 P99
for r in $(seq 1 "$ROUNDS"); do
  for case in nginx off enforce drifted; do
    case $case in
      nginx) port=$NGX_PORT; script=bench/query.lua ;;
      off) port=$OFF_PORT; script=bench/query.lua ;;
      enforce) port=$ENF_PORT; script=bench/query.lua ;;
      drifted) port=$ENF_PORT; script=bench/query-drifted.lua ;;
    esac
    read -r rps p50 p99 <<<"$(wrk_stats "$port" "$CONNS" "$script")"
    printf 'round %s %-8s %9s rps  p50 %7s ms  p99 %7s ms\n' "$r" "$case" "$rps" "$p50" "$p99"
    RPS[$case]="${RPS[$case]:-} $rps"; P50[$case]="${P50[$case]:-} $p50"; P99[$case]="${P99[$case]:-} $p99"
  done
done

echo
printf '%-32s | %10s | %9s | %9s\n' "median of $ROUNDS rounds, $CONNS conns" "rps" "p50 ms" "p99 ms"
for case in nginx off enforce drifted; do
  label=$case
  case $case in
    nginx) label="nginx proxy (reference)" ;;
    off) label="safemut PQ off (passthrough)" ;;
    enforce) label="safemut PQ enforce, listed" ;;
    drifted) label="safemut PQ enforce, drifted doc" ;;
  esac
  printf '%-32s | %10s | %9s | %9s\n' "$label" "$(median <<<"${RPS[$case]}")" "$(median <<<"${P50[$case]}")" "$(median <<<"${P99[$case]}")"
done
off99=$(median <<<"${P99[off]}"); enf99=$(median <<<"${P99[enforce]}"); dr99=$(median <<<"${P99[drifted]}")
echo
awk -v a="$enf99" -v b="$off99" 'BEGIN { printf "PQ enforce adds %+.3f ms p99 over passthrough (target <= 0.1 ms)\n", a-b }'
awk -v a="$dr99" -v b="$off99" 'BEGIN { printf "a drifted document adds %+.3f ms p99 over passthrough\n", a-b }'
