#!/usr/bin/env bash
# The admin UI in a real headless browser (issue 19; run by scripts/test.sh): Postgres, Redis,
# intelgraph-demo and safemut on loopback in a throw-away directory, then pytest drives Debian's
# chromium through selenium (Tests/browser/). Screenshots land in $SCREENSHOT_DIR (default
# .build/test-output/browser). Exit: pytest's; "no tests collected" (5) is a failure.
#   bash scripts/browser-test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
apt_install chromium chromium-driver python3-selenium python3-pytest
BIN=${BIN:-.build/debug}
[ -x "$BIN/safemut" ] && [ -x "$BIN/intelgraph-demo" ] || swift build
export SCREENSHOT_DIR=${SCREENSHOT_DIR:-$PWD/.build/test-output/browser}
rm -rf "$SCREENSHOT_DIR"; mkdir -p "$SCREENSHOT_DIR"
work_dir browser
start_demo_stack
PORT=$(free_port)
cat >"$WORK/safemut.yaml" <<YAML
listen: 127.0.0.1:$PORT
environment: browser-test
upstream:
  url: http://127.0.0.1:$UP_PORT
schema:
  path: examples/intelgraph/schema.graphql
identity:
  mode: headers
log:
  level: warning
rate:
  tenants:
    demo: {tenant_per_second: 1000, tenant_burst: 1000, operation_per_second: 1000, operation_burst: 1000}
downshift:
  synthetic_interval_ms: 1000
  synthetic:
    journey_query:
      query: "{ health }"
      priority: 0
YAML
"$BIN/safemut" serve --config "$WORK/safemut.yaml" >"$WORK/safemut.log" 2>&1 &
PIDS+=($!)
wait_port "$PORT" 30 || { cat "$WORK/safemut.log"; exit 1; }
# The tenants the override form lists.
for tenant in demo test; do
  curl -s -o /dev/null -X PUT "http://127.0.0.1:$PORT/admin/budget/limits/$tenant" -H "X-Tenant: ops" -H "X-User-Id: setup" \
    -H "X-Roles: finance_admin" -H "Content-Type: application/json" -d '{"daily_usd_limit":50,"monthly_usd_limit":1500}'
done
export SAFEMUT_URL=http://127.0.0.1:$PORT
rc=0
/usr/bin/python3 -m pytest -p no:cacheprovider -q Tests/browser "$@" || rc=$?
if [ "$rc" = 5 ]; then log "browser tests: none collected"; rc=1; fi
[ "$rc" = 0 ] || tail -30 "$WORK/safemut.log"
log "screenshots: $(ls "$SCREENSHOT_DIR" | tr '\n' ' ')in $SCREENSHOT_DIR"
exit "$rc"
