-- wrk script: a GraphQL query POST spread over 1,000 tenants (bench-0 … bench-999), so
-- a canary split sends its share of tenants to the canary arm.
wrk.method = "POST"
wrk.body = '{"query":"{ health }"}'
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  wrk.headers["X-Tenant"] = "bench-" .. (counter * 7919 % 1000)
  return wrk.format()
end
