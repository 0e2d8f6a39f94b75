-- wrk script: bench/post.lua's mutation spread over 1,000 tenants
-- (bench-0 … bench-999), so the ledger's row locks are not all on one row.
-- WRK_BODY replaces the body (bench/cutover.sh sends a query, so a canary
-- split sends its share of tenants to the canary arm).
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY") or '{"query":"mutation { createEntity(name: \\"bench\\") { id } }"}'
wrk.headers["Content-Type"] = "application/json"
-- WRK_CACHE_CONTROL sets the request's Cache-Control (bench/downshift.sh: no-cache
-- asks the gateway past its response cache).
if os.getenv("WRK_CACHE_CONTROL") then wrk.headers["Cache-Control"] = os.getenv("WRK_CACHE_CONTROL") end
local counter = 0
request = function()
  counter = counter + 1
  wrk.headers["X-Tenant"] = "bench-" .. (counter * 7919 % 1000)
  return wrk.format()
end
