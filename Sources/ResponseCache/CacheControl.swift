/// The directives of an upstream response's `Cache-Control` that decide whether the
/// gateway, a shared cache, may store it and for how long (RFC 9111 §5.2.2).
///
/// Pure: fed the header's values, no clock, no allocation beyond the result. Directive
/// names are case-insensitive, values may be tokens or quoted strings, and directives the
/// gateway has no use for (`public`, `must-revalidate`, extensions) are skipped.
public struct CacheControl: Sendable, Equatable {
    /// `max-age`, in seconds; the smallest when it appears more than once.
    public var maxAge: Int?
    /// `s-maxage`, in seconds; the smallest when it appears more than once.
    public var sharedMaxAge: Int?
    public var noStore = false
    /// Also set by the qualified form `no-cache="field"`: the gateway never revalidates,
    /// so it cannot honour a partial no-cache and declines the whole response.
    public var noCache = false
    /// Also set by `private="field"`: dropping named fields is not enough when the body
    /// itself may be the user's, so any `private` keeps the response out of the cache.
    public var isPrivate = false
    /// A `max-age` or `s-maxage` whose value is not delta-seconds (`max-age=abc`,
    /// `max-age=-1`, `max-age=`): RFC 9111 §4.2.1 says to treat such a response as stale,
    /// so it is not stored rather than kept for the field's full TTL.
    public var hasInvalidFreshness = false

    public init() {}

    /// Parses one header value; see `parse(_ values:)`.
    public static func parse(_ value: String) -> CacheControl {
        parse([value])
    }

    /// Parses every `Cache-Control` line of a response as one comma-separated list.
    public static func parse(_ values: [String]) -> CacheControl {
        var result = CacheControl()
        for value in values {
            var bytes = Array(value.utf8)
            bytes.withUnsafeMutableBufferPointer { result.read($0) }
        }
        return result
    }

    /// True when the response must not be stored at all.
    public var forbidsStoring: Bool {
        noStore || noCache || isPrivate || hasInvalidFreshness
    }

    /// The seconds a response may be kept: the field's `ttlSeconds`, lowered by the
    /// upstream's freshness. A shared cache takes `s-maxage` over `max-age` (RFC 9111
    /// §5.2.2.10); the field's TTL is the operator's ceiling either way. Nil when the
    /// response must not be stored; zero or less also means not stored.
    public func effectiveTTL(fieldTTLSeconds: Int) -> Int? {
        if forbidsStoring { return nil }
        guard let upstream = sharedMaxAge ?? maxAge else { return fieldTTLSeconds }
        return min(fieldTTLSeconds, upstream)
    }
}

extension CacheControl {
    /// RFC 9111 §1.2.2: a delta-seconds too large to hold is read as 2^31.
    static let deltaSecondsCeiling = 2_147_483_648

    private static let comma = UInt8(ascii: ",")
    private static let equals = UInt8(ascii: "=")
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// Walks `name[=value]` directives separated by commas; a comma inside a quoted value
    /// does not end the directive.
    fileprivate mutating func read(_ bytes: UnsafeMutableBufferPointer<UInt8>) {
        var index = 0
        let end = bytes.count
        while index < end {
            while index < end, Self.isWhitespace(bytes[index]) || bytes[index] == Self.comma { index += 1 }
            let nameStart = index
            while index < end, bytes[index] != Self.equals, bytes[index] != Self.comma, !Self.isWhitespace(bytes[index]) {
                // ASCII-lowercase in place so names compare case-insensitively.
                if bytes[index] >= UInt8(ascii: "A"), bytes[index] <= UInt8(ascii: "Z") { bytes[index] += 32 }
                index += 1
            }
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<index])
            while index < end, Self.isWhitespace(bytes[index]) { index += 1 }
            var value: [UInt8]? = nil
            if index < end, bytes[index] == Self.equals {
                index += 1
                while index < end, Self.isWhitespace(bytes[index]) { index += 1 }
                var text: [UInt8] = []
                if index < end, bytes[index] == Self.quote {
                    index += 1
                    while index < end, bytes[index] != Self.quote {
                        if bytes[index] == Self.backslash, index + 1 < end { index += 1 }
                        text.append(bytes[index])
                        index += 1
                    }
                    if index < end { index += 1 }  // the closing quote
                } else {
                    while index < end, bytes[index] != Self.comma, !Self.isWhitespace(bytes[index]) {
                        text.append(bytes[index])
                        index += 1
                    }
                }
                value = text
            }
            // Whatever follows the value up to the next comma is junk; skip it.
            while index < end, bytes[index] != Self.comma { index += 1 }
            apply(name: name, value: value)
        }
    }

    private mutating func apply(name: UnsafeBufferPointer<UInt8>, value: [UInt8]?) {
        if name.elementsEqual("max-age".utf8) {
            maxAge = merged(maxAge, value)
        } else if name.elementsEqual("s-maxage".utf8) {
            sharedMaxAge = merged(sharedMaxAge, value)
        } else if name.elementsEqual("no-store".utf8) {
            noStore = true
        } else if name.elementsEqual("no-cache".utf8) {
            noCache = true
        } else if name.elementsEqual("private".utf8) {
            isPrivate = true
        }
    }

    /// Keeps the smallest valid occurrence: when an upstream repeats a freshness directive
    /// the gateway errs towards keeping the response for less time.
    private mutating func merged(_ current: Int?, _ value: [UInt8]?) -> Int? {
        guard let seconds = value.flatMap(Self.deltaSeconds) else {
            hasInvalidFreshness = true
            return current
        }
        return min(current ?? seconds, seconds)
    }

    /// `1*DIGIT` as an Int, saturating at 2^31; nil for anything else.
    static func deltaSeconds(_ digits: [UInt8]) -> Int? {
        guard !digits.isEmpty else { return nil }
        var total = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            total = min(total * 10 + Int(byte - UInt8(ascii: "0")), deltaSecondsCeiling)
        }
        return total
    }
}
