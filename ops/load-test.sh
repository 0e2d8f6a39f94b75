#!/usr/bin/env bash
# The seed's load test (`BASE_URL=… PQ_PHASE=enforce npm run load:test`), one word changed:
#   BASE_URL=http://127.0.0.1:4000 PQ_PHASE=enforce bash ops/load-test.sh
# runs locust headless with ops/loadtest/locustfile.py (reads, cheap and costly mutations, a
# four-eyes one, several tenants), prints a summary per journey and writes, in OUT_DIR:
#   run_stats.csv, run_stats_history.csv  locust's own files
#   summary.json                          the windows (p95, error ratio) gate G5 reads
# Environment (defaults): USERS (20), SPAWN_RATE (5), DURATION (60s), OUT_DIR (loadtest),
# LOAD_TENANTS (test,demo), LOAD_HOSTS (several gateways, comma-separated; default BASE_URL),
# LOAD_ANSWERS (a JSON-lines file of every answer), REGISTER_ALLOWLIST (1: first add the
# load test's documents to the allowlist through POST /admin/persisted-queries/allowlist,
# as ADMIN_USER with ADMIN_ROLES in identity.mode headers; the default in enforce mode).
# Exit: locust's (0 no failed request, 1 some failed), 2 for a bad setup.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BASE_URL:?set BASE_URL, e.g. BASE_URL=http://127.0.0.1:4000}"
PQ_PHASE=${PQ_PHASE:-log}
USERS=${USERS:-20}
SPAWN_RATE=${SPAWN_RATE:-5}
DURATION=${DURATION:-60s}
OUT_DIR=${OUT_DIR:-loadtest}
REGISTER_ALLOWLIST=${REGISTER_ALLOWLIST:-$([ "$PQ_PHASE" = enforce ] && echo 1 || echo 0)}
export PQ_PHASE

PYTHON=${PYTHON:-}
for candidate in $PYTHON /usr/bin/python3 python3; do
  if "$candidate" -c 'import locust' 2>/dev/null; then PYTHON=$candidate; break; fi
done
"$PYTHON" -c 'import locust' 2>/dev/null || {
  echo "load-test: no python with locust (apt-get install python3-locust, or pip install locust)" >&2; exit 2; }
mkdir -p "$OUT_DIR"

if [ "$REGISTER_ALLOWLIST" = 1 ]; then
  "$PYTHON" ops/loadtest/journeys.py >"$OUT_DIR/manifest.json"
  status=$(curl -s -o "$OUT_DIR/allowlist-answer.json" -w '%{http_code}' -X POST "$BASE_URL/admin/persisted-queries/allowlist" \
    -H "Content-Type: application/json" -H "X-Tenant: ops" -H "X-User-Id: ${ADMIN_USER:-loadtest-operator}" \
    -H "X-Roles: ${ADMIN_ROLES:-security_admin}" --data-binary "@$OUT_DIR/manifest.json") || status=000
  if [ "$status" != 200 ]; then
    echo "load-test: registering the documents answered $status: $(cat "$OUT_DIR/allowlist-answer.json" 2>/dev/null)" >&2
    exit 2
  fi
  echo "load-test: $("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["operations"]))' "$OUT_DIR/manifest.json") documents registered in the allowlist"
fi

echo "load-test: $USERS users for $DURATION against ${LOAD_HOSTS:-$BASE_URL} (PQ_PHASE=$PQ_PHASE)"
rc=0
"$PYTHON" -m locust -f ops/loadtest/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" \
  --host "$BASE_URL" --csv "$OUT_DIR/run" --csv-full-history --only-summary --stop-timeout 10 \
  >"$OUT_DIR/locust.log" 2>&1 || rc=$?
if [ "$rc" -gt 1 ]; then
  echo "load-test: locust exited $rc" >&2
  tail -20 "$OUT_DIR/locust.log" >&2
  exit 2
fi
"$PYTHON" ops/loadtest/summary.py "$OUT_DIR/run" "$OUT_DIR/summary.json" || exit 2
exit "$rc"
