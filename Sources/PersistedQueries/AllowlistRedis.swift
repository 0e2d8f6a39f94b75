import Redis

/// The shared allowlist in Redis, per environment. All keys share the hash tag
/// `{<environment>}` so the scripts touch one slot (Redis Cluster):
/// - `safemut:pq:{env}:entries` — HASH exact SHA-256 → normalized SHA-256 (`""` when unknown);
/// - `safemut:pq:{env}:version` — counter bumped by every change, polled by replicas;
/// - channel `safemut:pq:{env}:changed` — the new version is PUBLISHed on every change, for a
///   subscriber that wants to refresh sooner than the poll.
struct AllowlistRedis: Sendable {
    let redis: RedisClient
    let entriesKey: RedisArgument
    let versionKey: RedisArgument
    let channel: RedisArgument

    init(redis: RedisClient, environment: String) {
        self.redis = redis
        let prefix = "safemut:pq:{\(environment)}"
        entriesKey = RedisArgument(prefix + ":entries")
        versionKey = RedisArgument(prefix + ":version")
        channel = RedisArgument(prefix + ":changed")
    }

    /// The published version; nil when the key is missing (Redis restarted empty or never published).
    func version() async throws(RedisError) -> Int64? {
        let reply = try await redis.command(["GET", versionKey])
        if reply.isNull { return nil }
        guard let version = reply.integer else {
            throw RedisError(.protocolError, "allowlist version is not an integer: \(reply)")
        }
        return version
    }

    /// Version and entries read together (one script, so they agree); nil when unpublished.
    func read() async throws(RedisError) -> (version: Int64, entries: [String: String?])? {
        let reply = try await redis.evalSHA(Self.readScript, keys: [entriesKey, versionKey])
        if reply.isNull { return nil }
        guard let parts = reply.array, parts.count == 2, let version = parts[0].integer, let flat = parts[1].array,
              flat.count.isMultiple(of: 2) else {
            throw RedisError(.protocolError, "unexpected allowlist read reply")
        }
        var entries: [String: String?] = [:]
        entries.reserveCapacity(flat.count / 2)
        var index = 0
        while index < flat.count {
            guard let hash = flat[index].string, let normalized = flat[index + 1].string else {
                throw RedisError(.protocolError, "allowlist entry is not a string")
            }
            entries[hash] = normalized.isEmpty ? String?.none : normalized
            index += 2
        }
        return (version, entries)
    }

    /// Applies a change and bumps the version in one script. Returns the new version, or nil
    /// when the set is unpublished (the version key is gone): then only a full `publish`
    /// from Postgres is correct, since the entries key would hold just this change.
    func apply(set: [(hash: String, normalized: String?)], delete: [String]) async throws(RedisError) -> Int64? {
        var arguments: [RedisArgument] = [channel, RedisArgument(Int64(set.count))]
        arguments.reserveCapacity(2 + set.count * 2 + delete.count)
        for entry in set {
            arguments.append(RedisArgument(entry.hash))
            arguments.append(RedisArgument(entry.normalized ?? ""))
        }
        arguments += delete.map { RedisArgument($0) }
        let reply = try await redis.evalSHA(Self.applyScript, keys: [entriesKey, versionKey], arguments: arguments)
        guard let version = reply.integer else { throw RedisError(.protocolError, "unexpected allowlist apply reply \(reply)") }
        return version < 0 ? nil : version
    }

    /// Replaces the whole set and moves the version past both its old value and the server's
    /// clock in milliseconds, so a set rebuilt after a Redis restart never reuses a version a
    /// replica already holds. With `onlyIfUnpublished`, does nothing when a version exists
    /// (another replica rebuilt first). Returns the version in force afterwards.
    func publish(_ entries: [(hash: String, normalized: String?)], onlyIfUnpublished: Bool) async throws(RedisError) -> Int64 {
        var arguments: [RedisArgument] = [channel, onlyIfUnpublished ? "1" : "0"]
        arguments.reserveCapacity(2 + entries.count * 2)
        for entry in entries {
            arguments.append(RedisArgument(entry.hash))
            arguments.append(RedisArgument(entry.normalized ?? ""))
        }
        let reply = try await redis.evalSHA(Self.publishScript, keys: [entriesKey, versionKey], arguments: arguments)
        guard let version = reply.integer else { throw RedisError(.protocolError, "unexpected allowlist publish reply \(reply)") }
        return version
    }

    static let readScript = RedisScript("""
        local version = redis.call('GET', KEYS[2])
        if not version then return nil end
        return {version, redis.call('HGETALL', KEYS[1])}
        """)

    // ARGV: channel, number of pairs to set, the pairs (hash, normalized), then hashes to delete.
    static let applyScript = RedisScript("""
        if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
        local count = tonumber(ARGV[2])
        local i = 3
        for _ = 1, count do
            redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
            i = i + 2
        end
        while i <= #ARGV do
            redis.call('HDEL', KEYS[1], ARGV[i])
            i = i + 1
        end
        local version = redis.call('INCR', KEYS[2])
        redis.call('PUBLISH', ARGV[1], version)
        return version
        """)

    // ARGV: channel, "1" to publish only when no version exists, then the pairs (hash, normalized).
    static let publishScript = RedisScript("""
        local current = redis.call('GET', KEYS[2])
        if ARGV[2] == '1' and current then return tonumber(current) end
        redis.call('DEL', KEYS[1])
        for i = 3, #ARGV, 2 do
            redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        local time = redis.call('TIME')
        local floor = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local version = math.max(floor, tonumber(current or '0') + 1)
        redis.call('SET', KEYS[2], string.format('%.0f', version))
        redis.call('PUBLISH', ARGV[1], string.format('%.0f', version))
        return version
        """)
}
