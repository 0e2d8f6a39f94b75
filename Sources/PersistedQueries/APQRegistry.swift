import Kit
import Logging
import Redis
import Synchronization

/// Apollo's automatic persisted queries as Apollo clients expect them (SPEC §2): a hash
/// sent with its document is *registered*, and later hash-only requests for it, over POST
/// or GET, are served without the document.
///
/// The registry is shared by every replica through Redis, bounded in count and time:
/// - `safemut:apq:{env}:bodies` — HASH document SHA-256 → document;
/// - `safemut:apq:{env}:expiry` — ZSET document SHA-256 → expiry (Redis `TIME`, seconds).
/// Both keys share the hash tag `{env}`, so each script touches one Cluster slot. A use
/// moves the expiry forward (a sliding TTL), so past `max_entries` the registrations
/// dropped are those least recently registered or used.
///
/// Each replica keeps the last `localCapacity` registrations it saw in memory too. That is
/// safe without invalidation because an entry is content-addressed: the key is the
/// SHA-256 this gateway computed of the document, never a hash a client claimed.
///
/// The registry only ever answers "here is the document" or "unknown": Redis down, slow or
/// wrong is a miss (the client resends the document), counted, never an error. Callers
/// consult it only where the document would be admitted anyway (`servesRegisteredAPQ`), so
/// it never widens what `enforce` lets through.
public final class APQRegistry: Sendable {
    private let redis: RedisClient
    private let bodiesKey: RedisArgument
    private let expiryKey: RedisArgument
    private let ttlSeconds: Int64
    private let maxEntries: Int64
    private let local: APQLocalCache
    private let cells = APQCounterCells()
    private let logger: Logger
    /// Longest wait for Redis on a hash-only request; past it the answer is NOT_FOUND (the
    /// client resends the document) rather than a stalled request.
    private let timeout: Duration
    private let deadlines = Deadlines()

    public init(
        redis: RedisClient, environment: String, ttlSeconds: Int64, maxEntries: Int, localCapacity: Int,
        timeout: Duration = .milliseconds(50), logger: Logger = Logger(label: "safemut.pq.apq")
    ) {
        self.timeout = timeout
        self.redis = redis
        let prefix = "safemut:apq:{\(environment)}"
        bodiesKey = RedisArgument(prefix + ":bodies")
        expiryKey = RedisArgument(prefix + ":expiry")
        self.ttlSeconds = max(1, ttlSeconds)
        self.maxEntries = Int64(max(1, maxEntries))
        local = APQLocalCache(capacity: localCapacity, ttl: .seconds(max(1, ttlSeconds)))
        self.logger = logger
    }

    /// The registered document for `hash` (lowercase hex), or nil: unknown, expired, or
    /// Redis could not answer.
    public func lookup(_ hash: String) async -> String? {
        guard DocumentHash.isWellFormed(hash) else {
            cells.miss()
            return nil
        }
        if let body = local.get(hash) {
            cells.hit(local: true)
            return body
        }
        let (redis, keys, ttl) = (self.redis, [bodiesKey, expiryKey], ttlSeconds)
        // A Redis script cannot be cancelled: the request stops waiting at the timeout and
        // the late answer is dropped.
        let answer: Result<RedisReply, RedisError>? = await deadlines.race(until: .now + timeout, onTimeout: nil) {
            do throws(RedisError) {
                return .success(try await redis.evalSHA(Self.lookupScript, keys: keys, arguments: [RedisArgument(hash), RedisArgument(ttl)]))
            } catch {
                return .failure(error)
            }
        }
        do {
            guard let answer else {
                cells.error()
                logger.warning("apq registry lookup timed out; answering PersistedQueryNotFound", metadata: ["pq.apq.timeout": "\(timeout)"])
                return nil
            }
            let reply = try answer.get()
            guard let body = reply.string, !reply.isNull else {
                cells.miss()
                return nil
            }
            // Never serve a document that is not the one the hash names (a tampered or
            // corrupted entry): the hash is the document's identity.
            guard DocumentHash.exact(body) == hash else {
                cells.error()
                logger.error("apq registry entry does not match its hash; ignored", metadata: ["pq.hash": "\(hash)"])
                return nil
            }
            local.put(hash, body)
            cells.hit(local: false)
            return body
        } catch {
            cells.error()
            logger.warning("apq registry lookup failed; answering PersistedQueryNotFound", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Registers `document` under `hash`, which must be the SHA-256 this gateway computed of
    /// it. Returns whether Redis holds it afterwards (false: a bad pair, or Redis failed).
    @discardableResult
    public func register(hash: String, document: String) async -> Bool {
        guard DocumentHash.isWellFormed(hash), DocumentHash.exact(document) == hash else { return false }
        if local.get(hash) != nil { return true }
        do {
            let reply = try await redis.evalSHA(
                Self.registerScript, keys: [bodiesKey, expiryKey],
                arguments: [RedisArgument(hash), RedisArgument(document), RedisArgument(ttlSeconds), RedisArgument(maxEntries)])
            local.put(hash, document)
            cells.registered(evicted: UInt64(max(0, reply.integer ?? 0)))
            return true
        } catch {
            cells.error()
            logger.warning("apq registration failed; the client will resend the document", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Registers without making the request wait for Redis.
    public func registerSoon(hash: String, document: String) {
        guard local.get(hash) == nil else { return }
        Task { await self.register(hash: hash, document: document) }
    }

    /// Counts since start, for `/metrics`.
    public var counters: APQCounters { cells.snapshot() }

    /// Lookup: a live entry's document, its expiry moved forward by the TTL (ARGV[2]).
    static let lookupScript = RedisScript("""
        local now = tonumber(redis.call('TIME')[1])
        local expiry = redis.call('ZSCORE', KEYS[2], ARGV[1])
        if not expiry or tonumber(expiry) <= now then return false end
        local body = redis.call('HGET', KEYS[1], ARGV[1])
        if not body then
          redis.call('ZREM', KEYS[2], ARGV[1])
          return false
        end
        redis.call('ZADD', KEYS[2], 'XX', now + tonumber(ARGV[2]), ARGV[1])
        return body
        """)

    /// Registration: store, set the expiry, drop up to 100 expired entries, then the
    /// earliest-expiring ones past the cap (ARGV[4]). Returns how many the cap dropped.
    static let registerScript = RedisScript("""
        local now = tonumber(redis.call('TIME')[1])
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)
        for _, hash in ipairs(expired) do
          redis.call('HDEL', KEYS[1], hash)
          redis.call('ZREM', KEYS[2], hash)
        end
        local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
        if over <= 0 then return 0 end
        local evicted = redis.call('ZRANGE', KEYS[2], 0, over - 1)
        for _, hash in ipairs(evicted) do
          redis.call('HDEL', KEYS[1], hash)
        end
        redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
        return over
        """)
}
