#!/usr/bin/env bash
# The rate limit's one Redis call, measured with redis-benchmark: EVALSHA of the
# token-bucket script (Sources/RateLimit/TokenBucketScript.swift, read from the source so
# the bench runs exactly what ships) over a tenant bucket and one operation bucket, beside
# SET on the same server as the floor. Throw-away redis-server on a free loopback port,
# stopped by PID.
#   bench/rate.sh [--requests N] [--clients N] [--keys N]
# Defaults: 200,000 requests, 32 clients, 1,000 tenants. Check `uptime` first: a load
# above 1.5 makes the figures indicative only.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=200000 clients=32 keys=1000
while [ $# -gt 0 ]; do
    case "$1" in
        --requests) requests="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --keys) keys="$2"; shift 2 ;;
        *) echo "usage: $0 [--requests N] [--clients N] [--keys N]" >&2; exit 2 ;;
    esac
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (quiet below 1.5)"

script="$(mktemp)"
trap 'rm -f "$script"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT
# The Swift multi-line literal between `static let source = """` and its closing `"""`, de-indented.
sed -n '/static let source = """/,/^        """/p' Sources/RateLimit/TokenBucketScript.swift \
    | sed '1d;$d' | sed 's/^        //' > "$script"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null &
pid=$!
for _ in $(seq 100); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.05; done
sha="$(redis-cli -p "$port" SCRIPT LOAD "$(cat "$script")")"
# One check over a tenant bucket and a createEntity bucket, one token each (capacity, whole/s,
# fraction/s, cost in micro-tokens). "allowing": bursts of a million, every call takes and
# writes both keys (HSET + PEXPIRE each). "denying": burst 20 at 1/s and 40 at 20/s, so most
# calls find a drained bucket and write nothing.
keys2=(2 "safemut:rl:{__rand_int__}:t" "safemut:rl:{__rand_int__}:op:createEntity")
allowing=(EVALSHA "$sha" "${keys2[@]}" 1000000000000 1000 0 1000000 1000000000000 1000 0 1000000)
denying=(EVALSHA "$sha" "${keys2[@]}" 20000000 1 0 1000000 40000000 20 0 1000000)
echo "sanity: $(redis-cli -p "$port" "${allowing[@]//__rand_int__/demo}" | tr '\n' ' ')"

run() {
    redis-benchmark -h 127.0.0.1 -p "$port" -c "$clients" -n "$requests" -r "$keys" --csv "$@" | tail -1
}
echo "clients $clients, requests $requests, keys $keys"
echo "test,rps,avg_ms,min_ms,p50_ms,p95_ms,p99_ms,max_ms"
echo "EVALSHA allowing:   $(run "${allowing[@]}")"
echo "EVALSHA denying:    $(run "${denying[@]}")"
echo "SET (floor):        $(run SET "key:__rand_int__" x)"
