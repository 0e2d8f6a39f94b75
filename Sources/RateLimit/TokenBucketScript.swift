import Redis

/// The one Lua script the rate limit runs (`EVALSHA`): checks and takes from every bucket
/// of a request at once, all or nothing, on the Redis clock.
///
/// KEYS are bucket hashes (`t` tokens, `l` last refill, both integers: micro-tokens and
/// microseconds since the epoch) sharing one `{tenant}` hash tag, so one Cluster slot holds
/// them all. ARGV holds four integers per key: capacity, whole tokens per second, the
/// fraction of a token per second, cost; amounts are micro-tokens. The reply is `{1, 0, 0}`
/// when every bucket gave its cost, else `{0, i, wait}` with nothing taken: `i` the 1-based
/// bucket with the longest wait, `wait` the microseconds until it holds its cost.
///
/// Lua numbers are doubles: every value stays an integer below 2^53 (`TokenBucketMath`
/// bounds them), refill is split into whole seconds and the rest so no product passes
/// 10^12 before the cap applies, and numbers are written with `%d` because Redis would
/// otherwise turn a large one into `1.7e+15`. `TIME` in a script needs effect replication,
/// the default since Redis 5 (7 here), so no `redis.replicate_commands()`. A missing key
/// is a full bucket; a written one expires once it would be full again, so idle tenants
/// leave nothing behind.
enum TokenBucketScript {
    static let script = RedisScript(source)

    static let source = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local levels = {}
        local short, longest = 0, 0
        for i = 1, #KEYS do
          local a = (i - 1) * 4
          local capacity = tonumber(ARGV[a + 1])
          local whole = tonumber(ARGV[a + 2])
          local fraction = tonumber(ARGV[a + 3])
          local cost = tonumber(ARGV[a + 4])
          local state = redis.call('HMGET', KEYS[i], 't', 'l')
          local tokens, last = tonumber(state[1]), tonumber(state[2])
          if tokens == nil or last == nil then
            tokens = capacity
          else
            local elapsed = now - last
            if elapsed > 0 then
              local seconds = math.floor(elapsed / 1000000)
              local rest = elapsed - seconds * 1000000
              tokens = tokens + elapsed * whole + seconds * fraction + math.floor(rest * fraction / 1000000)
            end
            if tokens > capacity then tokens = capacity end
          end
          levels[i] = tokens
          if tokens < cost then
            local wait = math.ceil((cost - tokens) * 1000000 / (whole * 1000000 + fraction))
            if wait > longest then short, longest = i, wait end
          end
        end
        if short > 0 then return {0, short, longest} end
        for i = 1, #KEYS do
          local a = (i - 1) * 4
          local capacity = tonumber(ARGV[a + 1])
          local perSecond = tonumber(ARGV[a + 2]) * 1000000 + tonumber(ARGV[a + 3])
          local left = levels[i] - tonumber(ARGV[a + 4])
          redis.call('HSET', KEYS[i], 't', string.format('%d', left), 'l', string.format('%d', now))
          redis.call('PEXPIRE', KEYS[i], string.format('%d', math.ceil((capacity - left) * 1000 / perSecond) + 1))
        end
        return {1, 0, 0}
        """
}
