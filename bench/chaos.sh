#!/usr/bin/env bash
# Injected faults' cost when nothing is injected (issue 18). Queries over 1,000 tenants through
# one safemut (no Postgres: the chain only), with no fault (the call site's one atomic load),
# and with a fault in force that matches no request (tenant "nobody": the book's lock and match
# on every call), beside nginx as a proxy. ROUNDS rounds of DURATION, 32 connections.
#   bash bench/chaos.sh      # DURATION=8s ROUNDS=3
# Everything binds 127.0.0.1; every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib.sh
DURATION=${DURATION:-8s}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
CONNS=32

apt_install nginx wrk curl jq
swift build -c release --product safemut >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d /tmp/safemut-chaosbench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() { stop_pid "${PIDS[@]:-}"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

ANSWER='{"data":{"health":"ok"},"extensions":{"cost":{"actualUsd":"0.000100","actualTokens":1}}}'
UP_PORT=$(free_port); NGX_PORT=$(free_port); GW=$(free_port)
nginx_upstream "$UP_PORT" "$ANSWER"
nginx_proxy "$NGX_PORT" "$UP_PORT"
env -u DATABASE_URL -u REDIS_URL "$BIN/safemut" serve --config "$(gateway_config "$GW" "$(printf 'workers:\n  enabled: false')")" >"$WORK/gw.log" 2>&1 & PIDS+=($!)
for p in $UP_PORT $NGX_PORT $GW; do wait_port "$p" 30; done
admin() { curl -s -X "$1" -H 'Content-Type: application/json' -H 'X-Tenant: ops' -H 'X-User-Id: bench' -H 'X-Roles: security_admin' --data "${3:-}" "http://127.0.0.1:$GW$2"; }
export WRK_BODY='{"query":"{ health }"}'
declare -A RPS P99
for r in $(seq 1 "$ROUNDS"); do
  timeout 30 wrk -t1 -c8 -d2s -s bench/post-tenants.lua "http://127.0.0.1:$GW/graphql" >/dev/null
  measure nginx "$NGX_PORT"
  admin DELETE /admin/chaos/faults >/dev/null
  measure no-fault "$GW"
  admin POST /admin/chaos/faults '{"target":"upstream","kind":"abort","tenant":"nobody","ttl_minutes":30,"reason":"bench"}' >/dev/null
  measure fault-matching-nothing "$GW"
done
admin DELETE /admin/chaos/faults >/dev/null
median_table nginx no-fault fault-matching-nothing
awk -v a="$(median <<<"${RPS[fault-matching-nothing]}")" -v b="$(median <<<"${RPS[no-fault]}")" \
  'BEGIN { printf "a fault in force that matches nothing costs %.1f %% of the throughput with none\n", (b - a) * 100 / b }'
