import Synchronization

/// Request ids (`X-Request-Id`, the ledger's `correlation_id`): 128 random bits as 32 lowercase hex.
public enum RequestID {
    /// Characters in a generated id.
    public static let length = 32

    /// A fresh id, e.g. `"3f9c0a6e5b7d41c2a8e1f0d9c4b3a297"`.
    ///
    /// Draws from a shared pool refilled 4 KiB at a time by `RAND_bytes`: one `RAND_bytes`
    /// call per id cost ~0.7 µs here, the pool a small fraction of that. Ids are unique and
    /// unguessable but not secret, so buffering their randomness in memory is fine.
    public static func generate() -> String {
        let bits = pool.withLock { $0.take() }
        return withUnsafeBytes(of: bits) { Hex.encode($0) }
    }

    private static let pool = Mutex(RandomPool())
}

/// Random bytes fetched in bulk and handed out 16 at a time.
struct RandomPool: ~Copyable {
    static let size = 4096
    private var bytes = [UInt8](repeating: 0, count: RandomPool.size)
    private var next = RandomPool.size

    /// The next 16 bytes, refilling first when the pool is spent.
    mutating func take() -> (UInt64, UInt64) {
        if next + 16 > bytes.count { refill() }
        defer { next += 16 }
        return bytes.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: next, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: next + 8, as: UInt64.self))
        }
    }

    private mutating func refill() {
        let result = bytes.withUnsafeMutableBytes { OpenSSLCalls.randomBytes($0) }
        if case .failure = result {
            // An id must never fail a request: fall back to the kernel's getrandom via the stdlib.
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = generator.next() }
        }
        next = 0
    }
}
