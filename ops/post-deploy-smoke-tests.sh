#!/usr/bin/env bash
# Post-deploy smoke checks against one live safemut gateway (the GA notes'
# ./ops/post-deploy-smoke-tests.sh; the rollback plan runs it as
# `PQ_BYPASS=1 ./ops/post-deploy-smoke-tests.sh`). Prints PASS/FAIL per
# check and exits 1 when any check failed. Run with --help for the knobs.
set -euo pipefail

usage() {
  cat <<'TXT'
usage: ops/post-deploy-smoke-tests.sh [--help]

Smoke-tests one live safemut gateway: health, readiness, budget health,
/metrics, the budget and persisted-query admin reports, and a query and the
smallest mutation (`mutation { SafeNoop }`) through /graphql.

Environment:
  API                     gateway base URL (default http://127.0.0.1:4000)
  PQ_BYPASS=1             rollback mode: expect the allowlist bypass ON
                          (GET /admin/persisted-queries shows "bypass": true)
                          and skip the enforce check. Otherwise the bypass
                          must be OFF.
  EXPECT_PQ_PHASE         off|log|enforce: fail unless the gateway's phase is this
  SMOKE_TENANT            X-Tenant for /graphql calls (default demo); the
                          SafeNoop mutation debits it 0.001 USD at most
  SMOKE_QUERY             a query that must pass (default `query Health { health }`;
                          in the enforce phase it must be on the allowlist)
  SMOKE_QUERY_FIELD       the data field SMOKE_QUERY returns (default health)
  SMOKE_UNDECLARED_MUTATION
                          a mutation document whose root field has no @budget in
                          the gateway's schema; expected: 403
                          BUDGET_DECLARATION_MISSING (the demo schema declares
                          every mutation, so by default an unknown mutation
                          field is sent instead and must be refused with 400)
  SMOKE_ALLOW_DEGRADED=1  /health/budget "degraded" is a warning, not a failure
  SMOKE_STRICT_METRICS=1  fail when a metric that appears only after its first
                          event (budget_denials_total,
                          budget_enforcement_errors_total,
                          opa_decision_duration_seconds_bucket) is absent
  ADMIN_TOKEN             bearer token for /admin calls (roles admin, or
                          admin + finance_admin); without it the gateway must
                          accept the call another way (admin.loopback_operator
                          from 127.0.0.1, or X-User-Id/X-Roles below)
  TOKEN                   bearer token for /graphql calls (identity.mode jwt)
  SMOKE_USER, SMOKE_ROLES identity.mode headers: X-User-Id and X-Roles sent
                          with every call, and X-Tenant (SMOKE_TENANT) with
                          the admin calls too (e.g. SMOKE_ROLES=admin)

Needs curl and jq. Exit status: 0 every check passed, 1 a check failed,
2 bad usage or a missing tool.
TXT
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "needs $tool on PATH" >&2; exit 2; }
done

API=${API:-http://127.0.0.1:4000}
API=${API%/}
TENANT=${SMOKE_TENANT:-demo}
DEFAULT_QUERY='query Health { health }'
QUERY=${SMOKE_QUERY:-$DEFAULT_QUERY}
QUERY_FIELD=${SMOKE_QUERY_FIELD:-health}
case "${PQ_BYPASS:-0}" in
  1|true|TRUE|yes|on) ROLLBACK=1 ;;
  *) ROLLBACK=0 ;;
esac

PASSED=0 FAILED=0 SKIPPED=0
pass() { PASSED=$((PASSED + 1)); printf 'PASS  %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL  %s\n' "$1"; [ -z "${2:-}" ] || printf '      %s\n' "$2"; }
skip() { SKIPPED=$((SKIPPED + 1)); printf 'SKIP  %s\n' "$1"; }
warn() { printf 'WARN  %s\n' "$1"; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Identity headers, as arrays so empty ones add nothing.
COMMON=()
[ -z "${SMOKE_USER:-}" ] || COMMON+=(-H "X-User-Id: $SMOKE_USER")
[ -z "${SMOKE_ROLES:-}" ] || COMMON+=(-H "X-Roles: $SMOKE_ROLES")
ADMIN=("${COMMON[@]}")
# headers mode: an identity needs a tenant as well as a user and roles.
[ ${#COMMON[@]} -eq 0 ] || ADMIN+=(-H "X-Tenant: $TENANT")
[ -z "${ADMIN_TOKEN:-}" ] || ADMIN+=(-H "Authorization: Bearer $ADMIN_TOKEN")
CLIENT=("${COMMON[@]}" -H "X-Tenant: $TENANT" -H "Content-Type: application/json")
[ -z "${TOKEN:-}" ] || CLIENT+=(-H "Authorization: Bearer $TOKEN")

# get PATH [curl args…]: body in $TMP/body, headers in $TMP/head, status in $STATUS.
get() {
  local path=$1; shift
  STATUS=$(curl -sS -o "$TMP/body" -D "$TMP/head" -w '%{http_code}' --max-time 10 "$@" "$API$path" 2>"$TMP/err") \
    || STATUS="000 ($(tr -d '\n' <"$TMP/err"))"
}

# graphql JSON-BODY: POST /graphql as the smoke tenant.
graphql() {
  get /graphql -X POST "${CLIENT[@]}" --data-binary "$1"
}

# body_json DOCUMENT: the GraphQL request body for a document.
body_json() { jq -cn --arg q "$1" '{query: $q}'; }

code() { jq -r '.errors[0].extensions.code // empty' "$TMP/body" 2>/dev/null || true; }
short_body() { head -c 300 "$TMP/body" | tr '\n' ' '; }

echo "safemut smoke tests against $API ($( [ $ROLLBACK = 1 ] && echo 'rollback mode: PQ_BYPASS=1' || echo 'normal mode'))"

# 1. Liveness, and the request id every response carries.
get /health
if [ "$STATUS" = 200 ] && jq -e '.status == "ok"' "$TMP/body" >/dev/null 2>&1; then
  pass "GET /health is 200 {\"status\":\"ok\"} (version $(jq -r '.version // "?"' "$TMP/body"))"
else
  fail "GET /health" "status $STATUS: $(short_body)"
fi
if grep -qi '^x-request-id: ' "$TMP/head" 2>/dev/null; then
  pass "responses carry X-Request-Id"
else
  fail "responses carry X-Request-Id" "no X-Request-Id header on GET /health"
fi

# 2. Readiness: upstream, Postgres, Redis.
get /health/ready
if [ "$STATUS" = 200 ] && jq -e '.status == "ready"' "$TMP/body" >/dev/null 2>&1; then
  pass "GET /health/ready is ready ($(jq -r '.checks | to_entries | map("\(.key) \(.value.status)") | join(", ")' "$TMP/body"))"
else
  fail "GET /health/ready" "status $STATUS: $(short_body)"
fi

# 3. The budget path.
get /health/budget
BUDGET_STATUS=$(jq -r '.status // empty' "$TMP/body" 2>/dev/null || true)
case "$BUDGET_STATUS" in
  ok) pass "GET /health/budget status ok" ;;
  degraded)
    reasons=$(jq -r '.reasons | join("; ")' "$TMP/body")
    if [ "${SMOKE_ALLOW_DEGRADED:-0}" = 1 ]; then
      warn "GET /health/budget status degraded: $reasons"
    else
      fail "GET /health/budget status ok" "degraded: $reasons (SMOKE_ALLOW_DEGRADED=1 accepts this)"
    fi ;;
  *) fail "GET /health/budget status ok" "status $STATUS: $(short_body)" ;;
esac

# 4. /metrics carries the metric names the runbooks query (SPEC §9).
get /metrics
if [ "$STATUS" = 200 ]; then
  for name in http_requests_total http_request_duration_seconds_bucket; do
    if grep -q "^$name[{ ]" "$TMP/body"; then pass "/metrics has $name"; else fail "/metrics has $name" "no sample of $name"; fi
  done
  for name in budget_denials_total budget_enforcement_errors_total opa_decision_duration_seconds_bucket; do
    if grep -q "^$name[{ ]" "$TMP/body"; then
      pass "/metrics has $name"
    elif [ "${SMOKE_STRICT_METRICS:-0}" = 1 ]; then
      fail "/metrics has $name" "absent (SMOKE_STRICT_METRICS=1)"
    else
      skip "/metrics has $name: not emitted yet (it appears after its first event; SMOKE_STRICT_METRICS=1 makes this a failure)"
    fi
  done
else
  fail "GET /metrics" "status $STATUS: $(short_body)"
fi

# 5. The FinOps reports parse as JSON.
get /admin/budget/status "${ADMIN[@]}"
if [ "$STATUS" = 200 ] && jq -e '(.tenants | type == "array") and (.canary_tenants | type == "array")' "$TMP/body" >/dev/null 2>&1; then
  pass "GET /admin/budget/status parses ($(jq '.tenants | length' "$TMP/body") tenant(s), $(jq '.canary_tenants | length' "$TMP/body") canary)"
else
  fail "GET /admin/budget/status parses as JSON with tenants and canary_tenants" "status $STATUS: $(short_body)"
fi
get /admin/budget/canary-status "${ADMIN[@]}"
if [ "$STATUS" = 200 ] && jq -e '.canary_tenants | type == "array"' "$TMP/body" >/dev/null 2>&1; then
  pass "GET /admin/budget/canary-status parses ($(jq -r '[.canary_tenants[] | "\(.tenant_id) \(.days_clean)d clean"] | join(", ")' "$TMP/body"))"
else
  fail "GET /admin/budget/canary-status parses as JSON with canary_tenants" "status $STATUS: $(short_body)"
fi

# 6. The persisted-query switch: phase, and the bypass as this mode expects it.
PHASE="" BYPASS=""
get /admin/persisted-queries "${ADMIN[@]}"
if [ "$STATUS" = 200 ] && jq -e '(.phase | type == "string") and (.bypass | type == "boolean")' "$TMP/body" >/dev/null 2>&1; then
  PHASE=$(jq -r '.phase' "$TMP/body")
  BYPASS=$(jq -r '.bypass' "$TMP/body")
  pass "GET /admin/persisted-queries: phase $PHASE, bypass $BYPASS, $(jq -r '.count' "$TMP/body") allowlisted"
  if [ -n "${EXPECT_PQ_PHASE:-}" ]; then
    if [ "$PHASE" = "$EXPECT_PQ_PHASE" ]; then pass "persisted-query phase is $EXPECT_PQ_PHASE"
    else fail "persisted-query phase is $EXPECT_PQ_PHASE" "the gateway's phase is $PHASE"; fi
  fi
  if [ $ROLLBACK = 1 ]; then
    if [ "$BYPASS" = true ]; then pass "rollback mode: allowlist bypass is on"
    else fail "rollback mode: allowlist bypass is on" "bypass is false; set it: curl -X PUT $API/admin/persisted-queries/phase -d '{\"phase\":\"log\",\"bypass\":true}'"; fi
  else
    if [ "$BYPASS" = false ]; then pass "allowlist bypass is off"
    else fail "allowlist bypass is off" "bypass is true (run with PQ_BYPASS=1 if this is a rollback)"; fi
  fi
else
  fail "GET /admin/persisted-queries" "status $STATUS: $(short_body)"
fi

# 7. A query passes.
graphql "$(body_json "$QUERY")"
if [ "$STATUS" = 200 ] && jq -e --arg f "$QUERY_FIELD" '.data[$f] != null and (.errors | not)' "$TMP/body" >/dev/null 2>&1; then
  pass "query passes: $QUERY"
else
  fail "query passes: $QUERY" "status $STATUS $(code): $(short_body)"
fi

# 8. The smallest mutation passes the whole chain (the rollback plan's check).
graphql '{"query":"mutation { SafeNoop }"}'
if [ "$STATUS" = 200 ] && jq -e '.data.SafeNoop == true' "$TMP/body" >/dev/null 2>&1; then
  pass "mutation { SafeNoop } passes for X-Tenant $TENANT"
else
  fail "mutation { SafeNoop } passes for X-Tenant $TENANT" "status $STATUS $(code): $(short_body)"
fi

# 9. Enforce: a document that is not on the allowlist is refused.
if [ $ROLLBACK = 1 ]; then
  skip "enforce check: PQ_BYPASS=1 (rollback mode), the allowlist is bypassed"
elif [ "$PHASE" != enforce ]; then
  skip "enforce check: phase is ${PHASE:-unknown}, not enforce"
else
  graphql "$(body_json "query SmokeNotAllowlisted$RANDOM$RANDOM { health }")"
  if [ "$STATUS" = 403 ] && [ "$(code)" = PERSISTED_QUERY_NOT_ALLOWED ]; then
    pass "enforce: an unlisted document is 403 PERSISTED_QUERY_NOT_ALLOWED"
  else
    fail "enforce: an unlisted document is 403 PERSISTED_QUERY_NOT_ALLOWED" "status $STATUS $(code): $(short_body)"
  fi
fi

# 10. @budget: a mutation without a declaration never reaches the API.
if [ "$PHASE" = enforce ] && [ "$BYPASS" != true ]; then
  skip "@budget check: in the enforce phase the allowlist refuses the test document first"
elif [ -n "${SMOKE_UNDECLARED_MUTATION:-}" ]; then
  graphql "$(body_json "$SMOKE_UNDECLARED_MUTATION")"
  if [ "$STATUS" = 403 ] && [ "$(code)" = BUDGET_DECLARATION_MISSING ]; then
    pass "an undeclared mutation is 403 BUDGET_DECLARATION_MISSING"
  else
    fail "an undeclared mutation is 403 BUDGET_DECLARATION_MISSING" "status $STATUS $(code): $(short_body)"
  fi
else
  graphql '{"query":"mutation { smokeTestNoSuchField }"}'
  if [ "$STATUS" = 400 ] && [ "$(code)" = BAD_REQUEST ] && grep -q 'no mutation field' "$TMP/body"; then
    pass "an unknown mutation field is refused by the schema check (400 BAD_REQUEST)"
  else
    fail "an unknown mutation field is refused by the schema check (400 BAD_REQUEST)" "status $STATUS $(code): $(short_body)"
  fi
fi

echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
