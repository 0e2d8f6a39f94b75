#!/usr/bin/env bash
# Proxy benchmark: nginx serving a fixed GraphQL answer is the upstream;
# in front of it, nginx as a keep-alive proxy and safemut (with its admission
# chain: identify, parse, @budget declaration), each measured
# with wrk (GraphQL POST, 10 s) at 1, 32 and 128 connections, beside the
# upstream hit directly. Prints requests/s, p50 and p99 side by side, the
# ratio safemut / nginx-proxy, the p99 safemut adds over direct, and
# safemut's RSS holding 1,000 idle keep-alive connections.
#   bash bench/proxy.sh            # DURATION=10s CONNS="1 32 128" by default
# Everything binds 127.0.0.1; every process started here is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib.sh
DURATION=${DURATION:-10s}
CONNS=${CONNS:-"1 32 128"}
THREADS=${THREADS:-2}

apt_install nginx wrk python3
swift build -c release --product safemut >/dev/null
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d /tmp/safemut-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() { stop_pid "${PIDS[@]:-}"; rm -rf "$WORK"; }
trap cleanup EXIT

UP_PORT=$(free_port); NGX_PORT=$(free_port); SM_PORT=$(free_port)
ANSWER='{"data":{"createEntity":{"id":"ent-000001"}},"extensions":{"cost":{"actualUsd":"0.016000","actualTokens":160}}}'




nginx_upstream "$UP_PORT" "$ANSWER"
nginx_proxy "$NGX_PORT" "$UP_PORT"
"$BIN/safemut" serve --config "$(gateway_config "$SM_PORT")" >"$WORK/safemut.log" 2>&1 & SM_PID=$!; PIDS+=($SM_PID)
for p in $UP_PORT $NGX_PORT $SM_PORT; do wait_port "$p" 30; done


# Warm-up: fill keep-alive pools.
timeout 30 wrk -t1 -c8 -d2s -s bench/post.lua "http://127.0.0.1:$SM_PORT/graphql" >/dev/null
timeout 30 wrk -t1 -c8 -d2s -s bench/post.lua "http://127.0.0.1:$NGX_PORT/graphql" >/dev/null

printf '\n%-6s | %-27s | %-27s | %-27s | %-9s | %s\n' conns "direct nginx (rps p50 p99)" "nginx proxy (rps p50 p99)" "safemut (rps p50 p99)" "sm/nginx" "sm p99 - direct p99"
for c in $CONNS; do
  read -r d_rps d_50 d_99 <<<"$(wrk_stats "$UP_PORT" "$c" bench/post.lua)"
  read -r n_rps n_50 n_99 <<<"$(wrk_stats "$NGX_PORT" "$c" bench/post.lua)"
  read -r s_rps s_50 s_99 <<<"$(wrk_stats "$SM_PORT" "$c" bench/post.lua)"
  ratio=$(awk -v a="$s_rps" -v b="$n_rps" 'BEGIN { printf "%.2fx", a/b }')
  added=$(awk -v a="$s_99" -v b="$d_99" 'BEGIN { printf "%+.3f ms", a-b }')
  printf '%-6s | %9s %7sms %7sms | %9s %7sms %7sms | %9s %7sms %7sms | %-9s | %s\n' \
    "$c" "$d_rps" "$d_50" "$d_99" "$n_rps" "$n_50" "$n_99" "$s_rps" "$s_50" "$s_99" "$ratio" "$added"
done

ulimit -n 4096 2>/dev/null || true
echo
echo "safemut RSS with 1,000 idle keep-alive connections:"
timeout 90 python3 bench/idle_connections.py "$SM_PORT" 1000 "$SM_PID"
