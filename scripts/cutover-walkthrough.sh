#!/usr/bin/env bash
# The canary cutover, step by step, against a running gateway (scripts/demo.sh --cutover):
# start at 5 % as an SRE, send traffic as 200 tenants and two internal ones (on the canary
# first: canary.include_tenants), break the canary (20 % errors),
# and watch the judge roll it back on its own; then show the history and the audit rows.
# Needs API (the gateway) and CANARY (the canary intelgraph-demo). Bounded: at most
# 2,000 requests and 45 s of waiting.
set -euo pipefail
: "${API:?set API=http://127.0.0.1:4000}" "${CANARY:?set CANARY=http://127.0.0.1:4002}"
sre=(-H 'Content-Type: application/json' -H 'X-Tenant: ops' -H 'X-User-Id: sre-1' -H 'X-Roles: sre')
step() { printf '\n== %s\n' "$*"; }
traffic() { # traffic N: N queries, alternately as tenants t-0 … t-199 and the internal ones
  local tenant
  for i in $(seq 1 "$1"); do
    if [ $((i % 2)) = 0 ]; then tenant="t-$((i % 200))"; else tenant="internal-$([ $((i % 4)) = 1 ] && echo qa || echo sre)"; fi
    curl -s -o /dev/null -X POST "$API/graphql" -H 'Content-Type: application/json' -H "X-Tenant: $tenant" \
      -d '{"query":"{ health }"}'
  done
}

step "1. start a canary cutover at 5 % → 25 % → 50 % → 100 %, 20 m holds, auto-rollback"
curl -s -X POST "$API/admin/cutover" "${sre[@]}" \
  -d '{"strategy":"canary","stages":[5,25,50,100],"hold_seconds":1200,"auto_rollback":true}' | jq -c '{status, stage, weight_percent}'

step "2. traffic: the internal tenants and those below the 5 % line go to the canary, the rest to stable"
traffic 200
curl -s "$API/metrics" | grep '^upstream_requests_total{arm=".*",class="2xx"}' || true

step "3. break the canary: 20 % of its answers are 500"
curl -s -X PUT "$CANARY/demo/faults" -d '{"error_percent":20}' | jq -c .

step "4. the judge sees the canary's error ratio over 2 % for 2 s and rolls back"
status=running
for _ in $(seq 1 90); do
  traffic 20
  status=$(curl -s "$API/admin/cutover" "${sre[@]}" | jq -r .status)
  [ "$status" = rolled_back ] && break
  sleep 0.5
done
curl -s "$API/admin/cutover" "${sre[@]}" | jq -c '{status, weight_percent, routed_weight_percent, last_reason}'
[ "$status" = rolled_back ] || { echo "the canary was not rolled back" >&2; exit 1; }

step "5. the history and the audit log say why"
curl -s "$API/admin/cutover" "${sre[@]}" | jq -c '.history[] | {event, weight_percent, actor, reason}'
curl -s "$API/admin/audit?limit=20" -H 'X-Tenant: ops' -H 'X-User-Id: sre-1' -H 'X-Roles: admin' \
  | jq -c '.entries[] | select(.action | startswith("cutover.")) | {action, created_by, reason}'
curl -s -X DELETE "$CANARY/demo/faults" >/dev/null
echo
echo "cutover walkthrough complete: rolled back by the judge"
