#!/usr/bin/env bash
# The README's demo walkthrough, runnable: every curl of "Run the demo" against
# a gateway started by scripts/demo.sh (API, default http://127.0.0.1:4000),
# each with the status it must answer. Prints each step and its answer; exits
# non-zero at the first surprise. `bash scripts/demo.sh --walkthrough` starts
# the demo, runs this, and stops everything.
set -euo pipefail
API=${API:-http://127.0.0.1:4000}
export API

step() { printf '\n== %s\n' "$*"; }
# expect STATUS CURL-ARGS… : runs curl, prints the body, fails unless the status matches.
expect() {
  local want=$1; shift
  local out status
  out=$(curl -s -w '\n%{http_code}' "$@")
  status=${out##*$'\n'}
  body=${out%$'\n'*}
  local url="" method=POST arg
  for arg in "$@"; do case $arg in http*) url=$arg ;; GET|PUT|DELETE) method=$arg ;; esac; done
  printf '%s %s -> %s %s\n' "$method" "${url#"$API"}" "$status" "$(head -c 300 <<<"$body")"
  if [ "$status" != "$want" ]; then echo "expected HTTP $want, got $status" >&2; exit 1; fi
}

step "1. A query passes (queries are only identified, parsed and allowlist-checked)"
expect 200 -X POST "$API/graphql" -H "X-Tenant: demo" -d '{"query":"{ health }"}'

step "2. A mutation whose field declares no @budget is refused (the demo schema has one: resetTenantCache)"
expect 403 -X POST "$API/graphql" -H "X-Tenant: demo" -d '{"query":"mutation { resetTenantCache }"}'
grep -q BUDGET_DECLARATION_MISSING <<<"$body"

step "3. A cheap mutation is reserved at its @budget cap and settled at its actual cost"
expect 200 -X POST "$API/graphql" -H "X-Tenant: demo" -d '{"query":"mutation { createEntity(name: \"walkthrough\") { id } }"}'
sleep 1
curl -s "$API/admin/budget/status?tenant=demo" | jq -c '.tenants[0].daily'

step "4. bulkDeleteEntities needs four eyes: the first attempt stores an approval request"
expect 403 -X POST "$API/graphql" -H "X-Tenant: demo" -d '{"query":"mutation { bulkDeleteEntities(ids: [\"ent-1\"]) }"}'
ID=$(jq -r '.errors[0].extensions.approvalRequestId' <<<"$body")
echo "approval request: $ID"
curl -s "$API/admin/approvals?status=pending" | jq -c '.approvals[] | {id, requester_id, reasons, estimated_usd}'
# Two different people approve (headers identity: X-User-Id and X-Roles).
expect 200 -X POST "$API/admin/approvals/$ID/approve" -H "X-Tenant: demo" -H "X-User-Id: alice" -H "X-Roles: finance_admin"
expect 200 -X POST "$API/admin/approvals/$ID/approve" -H "X-Tenant: demo" -H "X-User-Id: bob" -H "X-Roles: security_admin"
# The same mutation, re-sent with the approval, passes once; a replay is refused.
expect 200 -X POST "$API/graphql" -H "X-Tenant: demo" -H "X-Approval-Id: $ID" -d '{"query":"mutation { bulkDeleteEntities(ids: [\"ent-1\"]) }"}'
expect 403 -X POST "$API/graphql" -H "X-Tenant: demo" -H "X-Approval-Id: $ID" -d '{"query":"mutation { bulkDeleteEntities(ids: [\"ent-1\"]) }"}'

step "5. Rate: the demo tenant is a canary (5 SafeNoop at once, then 2 a second); a burst of 8 meets 429"
codes=""
for _ in 1 2 3 4 5 6 7 8; do
  codes+="$(curl -s -o /dev/null -w '%{http_code} ' -X POST "$API/graphql" -H "X-Tenant: demo" -d '{"query":"mutation { SafeNoop }"}')"
done
echo "$codes"
grep -q 429 <<<"$codes"
curl -s -i -X POST "$API/graphql" -H "X-Tenant: demo" -d '{"query":"mutation { SafeNoop }"}' | grep -i '^retry-after' || true

step "6. Money: lower tenant test's daily limit to \$0.05; the third createEntity meets 402"
expect 200 -X PUT "$API/admin/budget/limits/test" -d '{"daily_usd_limit":0.05}'
for _ in 1 2; do
  expect 200 -X POST "$API/graphql" -H "X-Tenant: test" -d '{"query":"mutation { createEntity(name: \"spend\") { id } }"}'
done
expect 402 -X POST "$API/graphql" -H "X-Tenant: test" -d '{"query":"mutation { createEntity(name: \"spend\") { id } }"}'

step "7. An override (1.5x, under 2x so no second approver) raises the limit; the mutation passes"
expect 201 -X POST "$API/admin/budget/override" -d '{"tenant_id":"test","budget_multiplier":1.5,"note":"walkthrough","expires_hours":1}'
expect 200 -X POST "$API/graphql" -H "X-Tenant: test" -d '{"query":"mutation { createEntity(name: \"spend\") { id } }"}'

step "8. The audit log recorded it all, and its hash chain verifies"
curl -s "$API/admin/audit" | jq -r '.entries[].action' | sort | uniq -c
echo
echo "walkthrough complete"
