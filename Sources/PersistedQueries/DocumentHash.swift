import Hashing

/// The two hashes a document is known by on the allowlist.
public enum DocumentHash {
    /// The SHA-256 of the document's exact UTF-8 bytes as lowercase hex: the manifest `id`
    /// and the APQ `sha256Hash`.
    public static func exact(_ body: String) -> String {
        SHA256Digest.hex(body.utf8)
    }

    /// Whether `text` has the shape of a hash this module stores: 64 lowercase hex characters.
    public static func isWellFormed(_ text: String) -> Bool {
        let utf8 = text.utf8
        return utf8.count == 64 && utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }
}
