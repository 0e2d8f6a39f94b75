import Crypto

/// The two hashes a document is known by on the allowlist.
public enum DocumentHash {
    /// The SHA-256 of the document's exact UTF-8 bytes as lowercase hex: the manifest `id`
    /// and the APQ `sha256Hash`.
    public static func exact(_ body: String) -> String {
        SHA256Digest.hex(body.utf8)
    }

    /// An allowlist id as Apollo's manifests treat it, opaque: 1–128 of `[A-Za-z0-9_-]`.
    /// Returns the id as stored: a 64-hex id is a document hash and is lowercased; any
    /// other id is kept exactly (case-sensitive). Nil for anything else.
    public static func allowlistID(_ text: String) -> String? {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= 128, utf8.allSatisfy({ byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }) else { return nil }
        let lowered = text.lowercased()
        return isWellFormed(lowered) ? lowered : text
    }

    /// Whether `text` has the shape of a document hash: 64 lowercase hex characters.
    public static func isWellFormed(_ text: String) -> Bool {
        let utf8 = text.utf8
        return utf8.count == 64 && utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }
}
