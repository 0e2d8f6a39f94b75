#!/usr/bin/env bash
# Cost downshift ladder benchmark (issue 17). Two figures, each beside its reference:
#  1. the per-request cost of classification and the tier rules: queries over 1,000 tenants
#     through safemut without the ladder (no Postgres: chain only), with it at tier 0, and at
#     tier 4 (every field classified, every rule run; `{ health }` is P0 and passes), beside
#     nginx as a proxy; target: tier 0 and tier 4 within 2 % of chain-only at 32 connections;
#  2. the response cache: an @cacheable query (searchEntities) answered from the cache, the
#     same query sent past it (Cache-Control: no-cache: forwarded, stored again), beside nginx.
#   bash bench/downshift.sh      # DURATION=8s ROUNDS=3; SKIP_CACHE=1 runs part 1 only
# Everything binds 127.0.0.1; every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib.sh
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
CONNS=32

apt_install nginx wrk postgresql redis-server curl jq
swift build -c release --product safemut >/dev/null
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d /tmp/safemut-dsbench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() { stop_pid "${PIDS[@]:-}"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

PG_PORT=$(free_port); start_postgres "$WORK/pg" "$PG_PORT"; PIDS+=("$PG_PID")
export DATABASE_URL
"$BIN/safemut" migrate --directory db/migrations >/dev/null
ANSWER='{"data":{"health":"ok","searchEntities":[]},"extensions":{"cost":{"actualUsd":"0.000100","actualTokens":1}}}'
UP_PORT=$(free_port); NGX_PORT=$(free_port)
nginx_upstream "$UP_PORT" "$ANSWER"
nginx_proxy "$NGX_PORT" "$UP_PORT"
COMMON=$(printf 'workers:\n  enabled: false\nfour_eyes:\n  enabled: false\nbudget:\n  enabled: false\ndownshift:\n  auto:\n    enabled: false')
CHAIN=$(free_port); OFF=$(free_port); LADDER=$(free_port)
# Chain only: no database.url, so no ladder (and no cutover) step. Off: the same Postgres
# setup with downshift.enabled false (the canary step is in both): the ladder's own cost.
env -u DATABASE_URL "$BIN/safemut" serve --config "$(gateway_config "$CHAIN" "$COMMON")" >"$WORK/chain.log" 2>&1 & PIDS+=($!)
"$BIN/safemut" serve --config "$(gateway_config "$OFF" "$COMMON"$'\n  enabled: false')" >"$WORK/off.log" 2>&1 & PIDS+=($!)
"$BIN/safemut" serve --config "$(gateway_config "$LADDER" "$COMMON")" >"$WORK/ladder.log" 2>&1 & PIDS+=($!)
for p in $UP_PORT $NGX_PORT $CHAIN $OFF $LADDER; do wait_port "$p" 30; done
tier() {
  curl -s -X PUT -H 'Content-Type: application/json' -H 'X-Tenant: ops' -H 'X-User-Id: bench' -H 'X-Roles: sre' \
    --data "{\"tier\":$1,\"reason\":\"bench\"}" "http://127.0.0.1:$LADDER/admin/downshift" | jq -r .tier
}
declare -A RPS P99
echo "== 1. classification and tier rules ($ROUNDS rounds of $DURATION, $CONNS connections, { health } over 1,000 tenants)"
export WRK_BODY='{"query":"{ health }"}'
for r in $(seq 1 "$ROUNDS"); do
  timeout 30 wrk -t1 -c8 -d2s -s bench/post-tenants.lua "http://127.0.0.1:$LADDER/graphql" >/dev/null
  measure nginx "$NGX_PORT"
  measure chain-only "$CHAIN"
  measure ladder-off "$OFF"
  [ "$(tier 0)" = 0 ] || { echo "tier 0 not set" >&2; exit 1; }
  measure tier-0 "$LADDER"
  [ "$(tier 4)" = 4 ] || { echo "tier 4 not set" >&2; exit 1; }
  measure tier-4 "$LADDER"
done
median_table nginx chain-only ladder-off tier-0 tier-4
for key in tier-0 tier-4; do
  awk -v a="$(median <<<"${RPS[$key]}")" -v b="$(median <<<"${RPS[chain-only]}")" -v c="$(median <<<"${RPS[ladder-off]}")" -v k="$key" \
    'BEGIN { printf "%s costs %.1f %% of chain-only throughput (target <= 2 %%), %.1f %% of the same gateway with the ladder off\n", k, (b - a) * 100 / b, (c - a) * 100 / c }'
done
[ "$(tier 0)" = 0 ]
[ "${SKIP_CACHE:-0}" = 1 ] && exit 0
echo "== 2. the response cache (searchEntities, @cacheable 30 s, one entry per tenant)"
export WRK_BODY='{"query":"{ searchEntities(text: \"bench\") { id } }"}'
for r in $(seq 1 "$ROUNDS"); do
  timeout 30 wrk -t1 -c8 -d2s -s bench/post-tenants.lua "http://127.0.0.1:$LADDER/graphql" >/dev/null  # fills the cache
  measure cache-hit "$LADDER"
  WRK_CACHE_CONTROL=no-cache measure cache-bypassed "$LADDER"
  measure nginx-search "$NGX_PORT"
done
median_table nginx-search cache-hit cache-bypassed
echo "(the cache's own counters: bash bench/response-cache.sh measures lookup and store in isolation)"
