#!/usr/bin/env bash
# One command for the demo on a fresh Debian machine: installs what is
# missing, builds, starts Postgres and Redis in throw-away directories on
# loopback, intelgraph-demo on :4001 and safemut on :4000, prints curl
# examples, and stops everything it started (by PID) on Ctrl-C.
#   bash scripts/demo.sh               # run until Ctrl-C
#   bash scripts/demo.sh --walkthrough # run scripts/walkthrough.sh against it, then stop
#   bash scripts/demo.sh --cutover     # a canary cutover: start at 5 %, break the canary,
#                                      # watch the judge roll it back (scripts/cutover-walkthrough.sh)
#   bash scripts/demo.sh --downshift   # the cost downshift ladder tier by tier, with the demo's
#                                      # sample operations and synthetic checks (scripts/downshift-walkthrough.sh)
# BIN=.build/debug skips the release build; SAFEMUT_PORT / UPSTREAM_PORT / CANARY_PORT move the ports.
set -euo pipefail
WALKTHROUGH=0
CUTOVER=0
[ "${1:-}" = "--walkthrough" ] && WALKTHROUGH=1
[ "${1:-}" = "--cutover" ] && CUTOVER=1
DOWNSHIFT=0
[ "${1:-}" = "--downshift" ] && DOWNSHIFT=1
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install libpq-dev libhiredis-dev libssl-dev zlib1g-dev postgresql redis-server curl jq
SAFEMUT_PORT=${SAFEMUT_PORT:-4000}
UPSTREAM_PORT=${UPSTREAM_PORT:-4001}
CANARY_PORT=${CANARY_PORT:-4002}

if [ -z "${BIN:-}" ]; then
  log "building (release)"
  swift build -c release --product safemut
  swift build -c release --product intelgraph-demo
  BIN=$(swift build -c release --show-bin-path)
fi

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

"$BIN/intelgraph-demo" --listen 127.0.0.1:$UPSTREAM_PORT >"$WORK/intelgraph-demo.log" 2>&1 &
PIDS+=($!)
wait_port "$UPSTREAM_PORT" 30 || { cat "$WORK/intelgraph-demo.log"; exit 1; }

# The demo schema declares every mutation's cost. To show what happens when the API
# ships a field nobody declared, the gateway gets a copy with one such field added
# (resetTenantCache: refused with BUDGET_DECLARATION_MISSING, never forwarded).
sed '/^type Mutation {/a\  "Shipped without a cost declaration: safemut refuses it."\n  resetTenantCache: Boolean' \
  examples/intelgraph/schema.graphql >"$WORK/schema.graphql"
sed -e "s|path: examples/intelgraph/schema.graphql|path: $WORK/schema.graphql|" \
    -e "s|^listen: .*|listen: 127.0.0.1:$SAFEMUT_PORT|" \
    -e "s|url: http://127.0.0.1:4001|url: http://127.0.0.1:$UPSTREAM_PORT|" \
    examples/safemut.demo.yaml >"$WORK/safemut.yaml"
if [ "$DOWNSHIFT" = 1 ]; then
  # The ladder's walkthrough: tenant test's rate raised (the canary class would answer 429s),
  # LLM calls above 1,000 tokens refused from tier 2, and the synthetic checks.
  cat >>"$WORK/safemut.yaml" <<YAML
rate:
  tenants:
    test: {tenant_per_second: 1000, tenant_burst: 1000, operation_per_second: 1000, operation_burst: 1000}
    brand-new: {tenant_per_second: 1000, tenant_burst: 1000, operation_per_second: 1000, operation_burst: 1000}
downshift:
  max_tokens: 1000
  synthetic:
    health:
      query: "{ health }"
      priority: 0
    journey_read:
      query: "{ entities(limit: 1) { id } }"
      priority: 1
YAML
fi
if [ "$CUTOVER" = 1 ]; then
  # The canary arm: a second intelgraph-demo, and the judge's windows shortened to
  # seconds so the walkthrough takes well under a minute.
  "$BIN/intelgraph-demo" --listen 127.0.0.1:$CANARY_PORT >"$WORK/intelgraph-canary.log" 2>&1 &
  PIDS+=($!)
  wait_port "$CANARY_PORT" 30 || { cat "$WORK/intelgraph-canary.log"; exit 1; }
  cat >>"$WORK/safemut.yaml" <<YAML
canary:
  upstream:
    url: http://127.0.0.1:$CANARY_PORT
  # Internal tenants first, as the plan does: they are on the canary at any weight, so
  # the judge has canary traffic to read at 5 %.
  include_tenants: [internal-qa, internal-sre]
  min_samples: 10
  rules:
    latency_vs_stable: {enabled: false}
    latency_vs_baseline: {enabled: false}
    error_ratio: {window: 5s, for: 2s}
    burn_rate: {window: 5s, for: 2s}
    cost_per_request: {window: 5s, for: 2s}
YAML
fi
"$BIN/safemut" serve --config "$WORK/safemut.yaml" >"$WORK/safemut.log" 2>&1 &
PIDS+=($!)
wait_port "$SAFEMUT_PORT" 30 || { cat "$WORK/safemut.log"; exit 1; }

if [ "$DOWNSHIFT" = 1 ]; then
  API=http://127.0.0.1:$SAFEMUT_PORT bash scripts/downshift-walkthrough.sh
  "$BIN/safemut" audit verify
  exit
fi

if [ "$CUTOVER" = 1 ]; then
  API=http://127.0.0.1:$SAFEMUT_PORT CANARY=http://127.0.0.1:$CANARY_PORT bash scripts/cutover-walkthrough.sh
  "$BIN/safemut" audit verify
  exit
fi

if [ "$WALKTHROUGH" = 1 ]; then
  API=http://127.0.0.1:$SAFEMUT_PORT bash scripts/walkthrough.sh
  "$BIN/safemut" audit verify
  exit
fi

cat <<TXT

safemut is listening on http://127.0.0.1:$SAFEMUT_PORT in front of intelgraph-demo (127.0.0.1:$UPSTREAM_PORT).
The admin web UI: http://127.0.0.1:$SAFEMUT_PORT/admin/ui/ (overrides, the four-eyes queue, chaos faults).
Logs: $WORK/safemut.log  $WORK/intelgraph-demo.log

  export API=http://127.0.0.1:$SAFEMUT_PORT
  curl -s -X POST \$API/graphql -H "X-Tenant: demo" -H "Content-Type: application/json" \\
       -d '{"query":"mutation { createEntity(name: \\"rollback-test\\") { id } }"}'
  curl -s -X POST \$API/graphql -H "X-Tenant: demo" -d '{"query":"mutation { SafeNoop }"}'
  curl -s \$API/health
  curl -s \$API/health/ready
  curl -s \$API/metrics | grep http_requests_total

Ctrl-C stops everything.
TXT
wait "${PIDS[-1]}"
