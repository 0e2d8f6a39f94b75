#!/usr/bin/env bash
# Benchmarks our Postgres and Redis clients beside pgbench and redis-benchmark,
# on throw-away servers started for the run (loopback only, stopped by PID).
#   bench/datastores.sh [--seconds N] [--callers N] [--connections N] [--only postgres|redis]
# Defaults: 10 s per measurement, 32 concurrent callers. Prints both numbers
# and the ratio for each store. Works as root (postgres runs as `postgres`).
# Every step is bounded: the reference tools run under the harness's timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product datastore-bench
bin="$(swift build -c release --show-bin-path)/datastore-bench"
exec "$bin" --migrations db/migrations "$@"
