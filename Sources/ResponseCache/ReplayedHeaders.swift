/// Reads an upstream response's headers once, before the cache's lock: which are
/// replayed, and what in them decides whether the response may be stored at all.
///
/// Replay is an allowlist, not a denylist: only `Content-Type` and `Content-Language`
/// describe the body itself. Everything else is dropped by construction: hop-by-hop
/// headers (`Connection`, `Keep-Alive`, `Transfer-Encoding`, …) belong to the upstream
/// connection, `Content-Length` is the encoder's to write, `Set-Cookie` is one user's,
/// `Date`/`Age` would be stale, and tracing headers name the request that filled the
/// entry, not the one it answers.
struct ReplayedHeaders {
    static let replayed = ["content-type", "content-language"]

    /// The headers to replay, in the upstream's order.
    var replay: [(name: String, value: String)] = []
    /// Every `Cache-Control` line, for `CacheControl.parse`.
    var cacheControl: [String] = []
    /// A `Content-Encoding` other than `identity` was present.
    var isContentCoded = false
    /// `Vary` named a request header the key does not include.
    var variesOnUnkeyedHeader = false

    init(screening headers: [(String, String)]) {
        for (name, value) in headers {
            // Compared without lowercasing into a new string: this runs on every store.
            if name.equalsIgnoringASCIICase("cache-control") {
                cacheControl.append(value)
            } else if name.equalsIgnoringASCIICase("content-encoding") {
                if Self.listItems(value).contains(where: { $0 != "identity" }) { isContentCoded = true }
            } else if name.equalsIgnoringASCIICase("vary") {
                // Accept-Encoding is the one negotiation the key may ignore: a coded body is
                // refused, so what is stored is the identity form every client accepts. Any
                // other named header (Authorization, Cookie, `*`) could change the answer
                // between two callers of one tenant.
                if Self.listItems(value).contains(where: { $0 != "accept-encoding" }) { variesOnUnkeyedHeader = true }
            } else if Self.replayed.contains(where: { name.equalsIgnoringASCIICase($0) }) {
                replay.append((name: name, value: value))
            }
        }
    }

    /// The bytes the replayed headers add to an entry.
    var byteCount: Int {
        replay.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
    }

    /// The lowercased, trimmed, non-empty items of a comma-separated header value.
    private static func listItems(_ value: String) -> [String] {
        value.split(separator: ",").compactMap { item in
            let trimmed = item.trimmingWhitespace()
            return trimmed.isEmpty ? nil : trimmed.lowercased()
        }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}

extension String {
    /// True when the two are equal once ASCII letters are folded to lower case; `lowercase`
    /// must already be lower case. Header names are ASCII tokens (RFC 9110 §5.1).
    fileprivate func equalsIgnoringASCIICase(_ lowercase: String) -> Bool {
        guard utf8.count == lowercase.utf8.count else { return false }
        return zip(utf8, lowercase.utf8).allSatisfy { byte, wanted in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte) == wanted
        }
    }
}
