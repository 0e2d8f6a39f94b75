/// A response as the cache replays it: always a 200, the headers worth replaying, the
/// body, and when it was stored and stops being fresh (milliseconds on the cache's clock).
public struct CachedResponse: Sendable {
    public let status: Int
    /// Only the headers `ReplayedHeaders` keeps, in the upstream's order.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    public let storedAtMs: Int64
    public let expiresAtMs: Int64

    /// Whole seconds since the response was stored, for an `Age` header on replay
    /// (RFC 9111 §5.1); never negative, even if the clock stepped back.
    public func ageSeconds(atMs now: Int64) -> Int {
        Int(max(0, now - storedAtMs) / 1000)
    }

    /// The header's value (first occurrence), compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

extension CachedResponse: Equatable {
    /// Field by field; written out because an array of tuples has no synthesized `==`.
    public static func == (lhs: CachedResponse, rhs: CachedResponse) -> Bool {
        lhs.status == rhs.status && lhs.storedAtMs == rhs.storedAtMs && lhs.expiresAtMs == rhs.expiresAtMs
            && lhs.body == rhs.body && lhs.headers.elementsEqual(rhs.headers) { $0 == $1 }
    }
}
