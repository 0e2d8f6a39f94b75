-- wrk script: a GraphQL mutation POST, like the runbooks' smoke test.
wrk.method = "POST"
wrk.body = '{"query":"mutation { createEntity(name: \\"bench\\") { id } }"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Tenant"] = "demo"
