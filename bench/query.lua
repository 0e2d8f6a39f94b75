-- wrk script: a GraphQL query POST (queries pass the allowlist but are not debited,
-- so the persisted-query bench measures the allowlist, not the ledger).
wrk.method = "POST"
wrk.body = '{"query":"query Bench { entities(limit: 2) { id } }"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Tenant"] = "demo"
