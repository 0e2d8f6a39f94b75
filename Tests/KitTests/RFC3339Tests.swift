import Foundation
import Kit
import Testing

/// The one RFC 3339 formatter: known instants (before 1970, leap days, year 9999), agreement
/// with Foundation day by day, the microsecond and Postgres spellings, and the strict parser.
@Suite("RFC 3339")
struct RFC3339Tests {
    @Test("RFC 3339 formatting of known instants", arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (951_868_800_000, "2000-03-01T00:00:00.000Z"),
        (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
        (1_735_787_045_678, "2025-01-02T03:04:05.678Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func rfc3339(epochMilliseconds: Int64, expected: String) {
        #expect(RFC3339.format(epochMilliseconds: epochMilliseconds) == expected)
    }

    @Test("RFC 3339 agrees with Foundation over many days")
    func rfc3339AgainstFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        // Every 7 days plus an odd offset, from 1960 to 2100.
        var milliseconds: Int64 = -315_619_200_000
        while milliseconds < 4_102_444_800_000 {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1_000))
            #expect(RFC3339.format(epochMilliseconds: milliseconds) == expected)
            milliseconds += 7 * 86_400_000 + 3_723_456
        }
    }

    @Test("microseconds: the audit chain's form, Postgres's spelling, and the UTC day")
    func micros() {
        #expect(RFC3339.format(micros: 1_732_000_000_123_456) == "2024-11-19T07:06:40.123456Z")
        #expect(RFC3339.format(micros: -1) == "1969-12-31T23:59:59.999999Z")
        #expect(RFC3339.format(micros: 1_732_000_000_123_456, separator: " ", zone: "+00") == "2024-11-19 07:06:40.123456+00")
        #expect(RFC3339.day(micros: 1_709_251_199_999_999) == "2024-02-29")
        #expect(RFC3339.day(micros: -1) == "1969-12-31")
    }

    @Test("parse and format round-trip; leap days exist only in leap years")
    func parsing() {
        let text = "2028-02-29T23:59:59.999999Z"
        #expect(RFC3339.parse(text).map(RFC3339.format(micros:)) == text)
        #expect(RFC3339.parse("2027-02-29") == nil)
        #expect(RFC3339.parse("2100-02-29") == nil)
        #expect(RFC3339.parse("2000-02-29") != nil)
        #expect(RFC3339.parse("2026-11-01T00:00:00") == nil, "a zone is required")
        #expect(RFC3339.parse("2026-11-01T24:00:00Z") == nil)
        #expect(RFC3339.parse("2026-1-01") == nil)
    }
}
