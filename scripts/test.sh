#!/usr/bin/env bash
# The test command: builds everything, then runs every test suite.
# Tests start their own Postgres, Redis, intelgraph-demo and safemut
# processes on loopback ports and stop them by PID; nothing is skipped.
#   bash scripts/test.sh              # all tests
#   bash scripts/test.sh HTTPTests    # a filter for swift test
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install libpq-dev libhiredis-dev libssl-dev zlib1g-dev postgresql redis-server

log "building (debug)"
swift build
log "running tests"
# Two processes: the suites that drive sockets with blocking test clients
# (RawHTTPClient waits in recv for up to seconds) occupy threads of Swift's
# cooperative pool, which has one thread per core here; async suites in the
# same process (Postgres, Redis) would wait that long for their continuations
# to resume and see phantom delays. Separate processes keep each honest.
BLOCKING='HTTPServerTests|GatewayTests|IntegrationTests'
swift build --build-tests
if [ $# -gt 0 ]; then
  swift test --skip-build --filter "$1"
else
  swift test --skip-build --filter "$BLOCKING"
  swift test --skip-build --skip "$BLOCKING"
fi
