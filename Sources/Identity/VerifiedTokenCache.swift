import Crypto

/// Verified tokens by the SHA-256 of their bytes, so a client that reuses its token skips
/// the RSA/ECDSA check (tens of microseconds) on every request after the first.
///
/// Bounded: at `capacity` the oldest insertion is evicted (FIFO over a ring of slots).
/// An entry is dropped when its token's `exp` (plus skew) passes or when the key set it was
/// verified against has been replaced. Only tokens that verified are stored, so a client
/// cannot fill the cache with garbage.
struct VerifiedTokenCache: ~Copyable {
    /// SHA-256 of a token, as four words (cheap to hash and compare).
    struct Digest: Hashable {
        let words: (UInt64, UInt64, UInt64, UInt64)

        init(of token: [UInt8]) {
            let hash = SHA256Digest.hash(token)
            words = hash.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            }
        }

        static func == (lhs: Digest, rhs: Digest) -> Bool {
            lhs.words == rhs.words
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
        }
    }

    private struct Entry {
        let claims: JWTClaims
        /// The `JWKSet.generation` the token was verified against.
        let generation: UInt64
        /// First second at which the token no longer verifies (`exp` + skew, saturated).
        let invalidFrom: Int64
        /// The ring slot that owns this entry.
        let slot: Int
    }

    let capacity: Int
    private var entries: [Digest: Entry] = [:]
    private var ring: [Digest?]
    private var nextSlot = 0

    init(capacity: Int) {
        self.capacity = capacity
        ring = Array(repeating: nil, count: capacity)
    }

    var count: Int { entries.count }
    private(set) var hits = 0
    private(set) var misses = 0

    /// The cached claims when the token verified against `generation` and is still valid at `now`.
    mutating func lookup(_ digest: Digest, generation: UInt64, now: Int64) -> JWTClaims? {
        guard let entry = entries[digest] else {
            misses &+= 1
            return nil
        }
        guard entry.generation == generation, now < entry.invalidFrom else {
            entries[digest] = nil
            ring[entry.slot] = nil
            misses &+= 1
            return nil
        }
        hits &+= 1
        return entry.claims
    }

    /// Remembers a verified token until `invalidFrom`.
    mutating func insert(_ digest: Digest, claims: JWTClaims, generation: UInt64, invalidFrom: Int64) {
        guard capacity > 0 else { return }
        if let existing = entries[digest] {
            entries[digest] = Entry(claims: claims, generation: generation, invalidFrom: invalidFrom, slot: existing.slot)
            return
        }
        let slot = nextSlot
        nextSlot = (nextSlot + 1) % capacity
        if let evicted = ring[slot] { entries[evicted] = nil }
        ring[slot] = digest
        entries[digest] = Entry(claims: claims, generation: generation, invalidFrom: invalidFrom, slot: slot)
    }

    /// Forgets everything (after a key reload, to release the old keys' memory early).
    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        for index in ring.indices { ring[index] = nil }
        nextSlot = 0
    }
}
