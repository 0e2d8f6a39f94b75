import Crypto

/// A document's SHA-256 as four words: a cheap dictionary key.
struct DocumentDigest: Hashable, Sendable {
    let words: (UInt64, UInt64, UInt64, UInt64)

    /// The digest of `bytes` (32 bytes from `SHA256Digest.hash`).
    init(_ bytes: [UInt8]) {
        precondition(bytes.count == 32, "SHA-256 digests are 32 bytes")
        func word(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in offset..<offset + 8 { value = value << 8 | UInt64(bytes[index]) }
            return value
        }
        words = (word(0), word(8), word(16), word(24))
    }

    static func == (lhs: DocumentDigest, rhs: DocumentDigest) -> Bool {
        lhs.words == rhs.words
    }

    func hash(into hasher: inout Hasher) {
        // The digest is already uniform; one word is plenty for bucketing.
        hasher.combine(words.0)
    }
}
