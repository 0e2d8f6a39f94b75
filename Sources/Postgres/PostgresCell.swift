import Foundation

/// One value of a row in the server's text format, decoded on request into a
/// Swift type. Accessors throw `PostgresError.decoding` naming the column on
/// NULL, a missing column, or text that is not the requested type; use
/// `nonNull` for nullable columns: `try row["x"].nonNull?.int64()`.
public struct PostgresCell: Sendable {
    public let column: PostgresColumn
    /// The raw text-format bytes; nil for SQL NULL.
    public let bytes: [UInt8]?
    let missing: Bool

    public var isNull: Bool { bytes == nil }

    /// Self, or nil when the value is SQL NULL.
    public var nonNull: PostgresCell? { bytes == nil && !missing ? nil : self }

    private func raw(_ type: String) throws(PostgresError) -> [UInt8] {
        if missing { throw PostgresError(.decoding, message: "no column \(column.name) in the result") }
        guard let bytes else { throw PostgresError(.decoding, message: "column \(column.name) is NULL, expected \(type)") }
        return bytes
    }

    private func failure(_ type: String, _ text: String) -> PostgresError {
        PostgresError(.decoding, message: "column \(column.name) (type oid \(column.typeOID)) is not \(type): \(text.prefix(64))")
    }

    public func string() throws(PostgresError) -> String {
        String(decoding: try raw("text"), as: UTF8.self)
    }

    public func int64() throws(PostgresError) -> Int64 {
        let text = String(decoding: try raw("an integer"), as: UTF8.self)
        guard let value = Int64(text) else { throw failure("an integer", text) }
        return value
    }

    public func int() throws(PostgresError) -> Int {
        Int(try int64())
    }

    public func bool() throws(PostgresError) -> Bool {
        let text = String(decoding: try raw("a bool"), as: UTF8.self)
        switch text {
        case "t", "true": return true
        case "f", "false": return false
        default: throw failure("a bool", text)
        }
    }

    /// `numeric` (or an integer type) as exact integer micro-units: `12.5` → 12_500_000.
    /// Throws rather than round when the value has more than six decimal places.
    public func micros() throws(PostgresError) -> Int64 {
        let text = String(decoding: try raw("numeric"), as: UTF8.self)
        guard let value = PostgresDecoding.parseMicros(text) else {
            throw failure("an exact numeric with at most 6 decimals within Int64 micro-units", text)
        }
        return value
    }

    /// `numeric` as `Decimal` (exact up to 38 significant digits).
    public func decimal() throws(PostgresError) -> Decimal {
        let text = String(decoding: try raw("numeric"), as: UTF8.self)
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw failure("a decimal", text)
        }
        return value
    }

    /// `timestamptz`/`timestamp` as microseconds since the Unix epoch, exact.
    public func timestampMicros() throws(PostgresError) -> Int64 {
        let text = String(decoding: try raw("a timestamp"), as: UTF8.self)
        guard let value = PostgresDecoding.parseTimestampMicros(text) else { throw failure("a finite timestamp", text) }
        return value
    }

    public func date() throws(PostgresError) -> Date {
        Date(timeIntervalSince1970: TimeInterval(try timestampMicros()) / 1_000_000)
    }

    /// `bytea` (hex output) as bytes.
    public func byteArray() throws(PostgresError) -> [UInt8] {
        let rawBytes = try raw("bytea")
        guard let value = PostgresDecoding.parseByteaHex(String(decoding: rawBytes, as: UTF8.self)) else {
            throw failure("bytea in hex format", String(decoding: rawBytes, as: UTF8.self))
        }
        return value
    }

    public func uuid() throws(PostgresError) -> UUID {
        let text = String(decoding: try raw("a uuid"), as: UTF8.self)
        guard let value = UUID(uuidString: text) else { throw failure("a uuid", text) }
        return value
    }

    /// `json`/`jsonb` as its UTF-8 text bytes, for a JSON decoder.
    public func jsonBytes() throws(PostgresError) -> [UInt8] {
        try raw("json")
    }

    /// `json`/`jsonb` decoded into `T`.
    public func json<T: Decodable>(as type: T.Type) throws(PostgresError) -> T {
        let bytes = try raw("json")
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw failure("JSON for \(T.self): \(error)", String(decoding: bytes, as: UTF8.self))
        }
    }
}
