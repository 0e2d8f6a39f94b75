import Foundation

/// A statement parameter. Every value is bound through `$n`, never spliced
/// into SQL text; `nil` in a parameter list is SQL NULL.
///
/// Values travel in text format with type "unknown" so the server infers the
/// type from the statement (as psql would), except `bytes`, which travels in
/// binary format as `bytea`.
public enum PostgresValue: Sendable, Hashable {
    case text(String)
    case int(Int64)
    case bool(Bool)
    /// Money as integer micro-dollars, sent as an exact decimal (`12.345678`).
    case micros(Int64)
    case bytes([UInt8])
    case timestamp(Date)
    case uuid(UUID)
    /// JSON text; cast to `jsonb` by context or with `$n::jsonb`.
    case json(String)

    /// The text sent to the server (nil for `bytes`, which is sent as binary).
    var textEncoding: String? {
        switch self {
        case .text(let value), .json(let value): return value
        case .int(let value): return String(value)
        case .bool(let value): return value ? "t" : "f"
        case .micros(let value): return PostgresDecoding.formatMicros(value)
        case .bytes: return nil
        case .timestamp(let date): return PostgresDecoding.formatTimestamp(date)
        case .uuid(let value): return value.uuidString.lowercased()
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
