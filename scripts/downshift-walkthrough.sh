#!/usr/bin/env bash
# The cost downshift ladder, tier by tier, against a running gateway (scripts/demo.sh
# --downshift): at each tier 0 … 6 the demo's sample operations are sent as tenant `test`
# (and one as a tenant new since the tier began), and each prints served or DOWNSHIFTED
# with the reason; the P0 synthetic check's result at the tier; then the history and audit.
# Needs API (the gateway). Bounded: 7 tiers × 11 requests, at most 10 s of waiting per tier.
set -euo pipefail
: "${API:?set API=http://127.0.0.1:4000}"
sre=(-H 'Content-Type: application/json' -H 'X-Tenant: ops' -H 'X-User-Id: sre-1' -H 'X-Roles: sre')
step() { printf '\n== %s\n' "$*"; }
gql() { # gql TENANT QUERY → "200" or "503 DOWNSHIFTED reason"
  local body out
  body=$(jq -cn --arg q "$2" '{query: $q}')
  out=$(curl -s -w '\n%{http_code}' -X POST "$API/graphql" -H 'Content-Type: application/json' -H "X-Tenant: $1" -d "$body")
  local code=${out##*$'\n'} json=${out%$'\n'*}
  if [ "$code" = 200 ]; then echo "served"; else echo "$code $(jq -r '.errors[0].extensions | "\(.code) \(.reason // "")"' <<<"$json")"; fi
}

step "0. an entity to work with, written as tenant test before any tier (tier 5 serves only tenants active before it)"
id=$(curl -s -X POST "$API/graphql" -H 'Content-Type: application/json' -H 'X-Tenant: test' \
  -d '{"query":"mutation { createEntity(name: \"Walkthrough\") { id } }"}' | jq -r .data.createEntity.id)
echo "entity $id"
samples=(
  "test|{ health }|health (P0)"
  "test|{ entity(id: \"$id\") { id } }|entity read (P1)"
  "test|{ path(from: \"$id\", to: \"$id\", maxHops: 3) { hops } }|path, 3 hops (P1)"
  "test|mutation { bulkImportEntities(names: [\"w\"]) { id } }|bulk import (batch, P3)"
  "test|mutation { summarizeEntity(id: \"$id\") }|summarize (llm, 4,000 tokens)"
  "test|mutation { enrichEntity(id: \"$id\") { id } }|enrich (enricher, P3)"
  "test|{ graphStats { entityCount } }|graph stats (analytics, P3)"
  "brand-new|{ entity(id: \"$id\") { id } }|entity read by a new tenant (P1)"
)
for tier in 0 1 2 3 4 5 6; do
  step "tier $tier: $(curl -s -X PUT "$API/admin/downshift" "${sre[@]}" -d "{\"tier\":$tier,\"reason\":\"walkthrough\",\"ttl_minutes\":30}" | jq -r '"\(.tier) \(.tier_name)"')"
  for sample in "${samples[@]}"; do
    IFS='|' read -r tenant query name <<<"$sample"
    printf '  %-40s %s\n' "$name" "$(gql "$tenant" "$query")"
  done
  # Each tier change runs the synthetic checks through the gateway's own chain.
  for _ in $(seq 1 20); do
    line=$(curl -s "$API/metrics" | grep '^synthetic_check_success{' | grep "tier=\"$tier\"" | grep 'priority="P0"' || true)
    [ -n "$line" ] && break
    sleep 0.5
  done
  echo "  synthetic: ${line:-no P0 check configured}"
done

step "back to normal by hand"
curl -s -X PUT "$API/admin/downshift" "${sre[@]}" -d '{"tier":0,"reason":"walkthrough done"}' | jq -c '{tier, tier_name}'
step "the history and the audit log"
curl -s "$API/admin/downshift" "${sre[@]}" | jq -c '.history[:8][] | {event, tier, actor, reason}'
curl -s "$API/admin/audit?limit=20" -H 'X-Tenant: ops' -H 'X-User-Id: sre-1' -H 'X-Roles: admin' \
  | jq -c '.entries[] | select(.action | startswith("downshift.")) | {action, created_by, reason}'
echo
echo "downshift walkthrough complete"
