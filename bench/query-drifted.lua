-- wrk script: bench/query.lua's query reformatted (a comment, new lines): a different
-- exact hash, the same normalized document (the hash-drift path).
wrk.method = "POST"
wrk.body = '{"query":"# reformatted by a tool\\nquery Bench {\\n  entities(limit: 2) {\\n    id\\n  }\\n}\\n"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Tenant"] = "demo"
