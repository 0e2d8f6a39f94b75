-- wrk script: bench/post.lua's mutation reformatted (a comment, new lines): a
-- different exact hash, the same normalized document (the hash-drift path).
wrk.method = "POST"
wrk.body = '{"query":"# reformatted by a tool\\nmutation {\\n  createEntity(name: \\"bench\\") {\\n    id\\n  }\\n}\\n"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Tenant"] = "demo"
