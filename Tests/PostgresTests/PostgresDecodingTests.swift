import Foundation
import Testing
@testable import Postgres

@Suite("Postgres text codecs")
struct PostgresDecodingTests {
    @Test(arguments: [
        ("0", Int64(0)), ("1", 1_000_000), ("25.000000", 25_000_000), ("750", 750_000_000),
        ("0.000001", 1), ("-0.000001", -1), ("12.5", 12_500_000), ("-3.25", -3_250_000),
        ("1.2000000000", 1_200_000), ("9223372036854.775807", Int64.max),
    ] as [(String, Int64)])
    func parsesNumericExactly(text: String, expected: Int64) {
        #expect(PostgresDecoding.parseMicros(text) == expected)
    }

    @Test(arguments: ["NaN", "Infinity", "", "-", "1.2.3", "1e5", "0.0000001", "9223372036854.775808", "99999999999999.999999", "12a"])
    func refusesNumericThatIsNotExactMicros(text: String) {
        #expect(PostgresDecoding.parseMicros(text) == nil)
    }

    @Test func formatsMicros() {
        #expect(PostgresDecoding.formatMicros(0) == "0.000000")
        #expect(PostgresDecoding.formatMicros(25_000_000) == "25.000000")
        #expect(PostgresDecoding.formatMicros(-1) == "-0.000001")
        #expect(PostgresDecoding.formatMicros(Int64.min) == "-9223372036854.775808")
    }

    @Test func parsesTimestamps() {
        #expect(PostgresDecoding.parseTimestampMicros("1970-01-01 00:00:00+00") == 0)
        #expect(PostgresDecoding.parseTimestampMicros("2000-01-01 00:00:00.5+00") == 946_684_800_500_000)
        #expect(PostgresDecoding.parseTimestampMicros("2000-01-01 05:30:00+05:30") == 946_684_800_000_000)
        #expect(PostgresDecoding.parseTimestampMicros("1969-12-31 23:59:59.999999+00") == -1)
        #expect(PostgresDecoding.parseTimestampMicros("infinity") == nil)
        #expect(PostgresDecoding.parseTimestampMicros("2024-13-01 00:00:00+00") == nil)
    }

    @Test func timestampFormatRoundTrips() {
        let micros: Int64 = 1_732_000_000_123_456
        let date = Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000)
        let text = PostgresDecoding.formatTimestamp(date)
        #expect(text == "2024-11-19 07:06:40.123456+00")
        #expect(PostgresDecoding.parseTimestampMicros(text) == micros)
    }

    @Test func parsesByteaHex() {
        #expect(PostgresDecoding.parseByteaHex("\\x00ff0A") == [0, 255, 10])
        #expect(PostgresDecoding.parseByteaHex("\\x") == [])
        #expect(PostgresDecoding.parseByteaHex("\\x0") == nil)
        #expect(PostgresDecoding.parseByteaHex("00ff") == nil)
    }

    @Test func sqlStateKinds() {
        #expect(PostgresError.kind(forSQLState: "23505") == .uniqueViolation)
        #expect(PostgresError.kind(forSQLState: "57014") == .queryCanceled)
        #expect(PostgresError.kind(forSQLState: "08006") == .connectionLost)
        #expect(PostgresError.kind(forSQLState: "57P01") == .connectionLost)
        #expect(PostgresError.kind(forSQLState: "22012") == .server)
    }
}
