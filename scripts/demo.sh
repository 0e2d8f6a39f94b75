#!/usr/bin/env bash
# One command for the demo on a fresh Debian machine: installs what is
# missing, builds, starts Postgres and Redis in throw-away directories on
# loopback, intelgraph-demo on :4001 and safemut on :4000, prints curl
# examples, and stops everything it started (by PID) on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install libpq-dev libhiredis-dev libssl-dev zlib1g-dev postgresql redis-server curl

log "building (release)"
swift build -c release --product safemut
swift build -c release --product intelgraph-demo
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d /tmp/safemut-demo.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  log "stopping ${PIDS[*]:-nothing}"
  stop_pid "${PIDS[@]:-}"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PG_PORT=$(free_port); start_postgres "$WORK/pg" "$PG_PORT"; PIDS+=("$PG_PID")
REDIS_PORT=$(free_port); start_redis "$WORK/redis" "$REDIS_PORT"; PIDS+=("$REDIS_PID")
export DATABASE_URL REDIS_URL
log "postgres on 127.0.0.1:$PG_PORT (pid $PG_PID), redis on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"
"$BIN/safemut" migrate --directory db/migrations

"$BIN/intelgraph-demo" --listen 127.0.0.1:4001 >"$WORK/intelgraph-demo.log" 2>&1 &
PIDS+=($!)
wait_port 4001 30 || { cat "$WORK/intelgraph-demo.log"; exit 1; }

"$BIN/safemut" serve --config examples/safemut.demo.yaml >"$WORK/safemut.log" 2>&1 &
PIDS+=($!)
wait_port 4000 30 || { cat "$WORK/safemut.log"; exit 1; }

cat <<TXT

safemut is listening on http://127.0.0.1:4000 in front of intelgraph-demo (127.0.0.1:4001).
Logs: $WORK/safemut.log  $WORK/intelgraph-demo.log

  export API=http://127.0.0.1:4000
  curl -s -X POST \$API/graphql -H "X-Tenant: demo" -H "Content-Type: application/json" \\
       -d '{"query":"mutation { createEntity(name: \\"rollback-test\\") { id } }"}'
  curl -s -X POST \$API/graphql -H "X-Tenant: demo" -d '{"query":"mutation { SafeNoop }"}'
  curl -s \$API/health
  curl -s \$API/health/ready
  curl -s \$API/metrics | grep http_requests_total

Ctrl-C stops everything.
TXT
wait "${PIDS[-1]}"
