/// UTC instants as RFC 3339 text, and the civil calendar under them: the package's one
/// timestamp formatter and parser (logs, audit records, admin replies, Postgres parameters).
///
/// Computed arithmetically (no `DateFormatter`, no locale, no Foundation) because every log
/// line needs one; the calendar is proleptic Gregorian (Howard Hinnant's algorithms).
public enum RFC3339 {
    /// Milliseconds since the Unix epoch → `2025-01-02T03:04:05.678Z` (logs, admin replies).
    public static func format(epochMilliseconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(epochMilliseconds: epochMilliseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `format(epochMilliseconds:)`'s 24 ASCII bytes, allocating nothing else.
    public static func append(epochMilliseconds: Int64, to bytes: inout [UInt8]) {
        let (seconds, millis) = floorDivide(epochMilliseconds, 1_000)
        append(seconds: seconds, fraction: millis, digits: 3, separator: "T", zone: "Z", to: &bytes)
    }

    /// Microseconds since the epoch → `2026-11-01T00:00:00.000000Z` (the form the audit chain
    /// hashes: the precision of Postgres `timestamptz`).
    public static func format(micros: Int64) -> String {
        format(micros: micros, separator: "T", zone: "Z")
    }

    /// Microseconds since the epoch with another date/time separator or zone suffix, for
    /// peers that want their own spelling (Postgres's `2026-11-01 00:00:00.000000+00`).
    public static func format(micros: Int64, separator: Unicode.Scalar, zone: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27 + zone.utf8.count)
        let (seconds, fraction) = floorDivide(micros, 1_000_000)
        append(seconds: seconds, fraction: fraction, digits: 6, separator: separator, zone: zone, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `YYYY-MM-DD` UTC date of an instant in microseconds.
    public static func day(micros: Int64) -> String {
        var bytes: [UInt8] = []
        appendDate(days: floorDivide(floorDivide(micros, 1_000_000).0, 86_400).0, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2026-11-01T00:00:00Z`, `2026-11-01T02:00:00.5+02:00`, or a bare UTC date
    /// `2026-11-01` → microseconds since the epoch; nil for anything else (a lowercase
    /// `t`/`z` is accepted as RFC 3339 allows; more than 6 fraction digits are not).
    /// Strict because it reads request parameters (`?since=`): Postgres would also take
    /// `now`, `yesterday` or `epoch`, which an operator should not get by typo.
    public static func parse(_ text: String) -> Int64? {
        var reader = Reader(bytes: Array(text.utf8))
        guard let year = reader.digits(4), reader.expect("-"), let month = reader.digits(2), reader.expect("-"),
              let day = reader.digits(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let dayMicros = daysFromCivil(year: year, month: month, day: day) * 86_400 * 1_000_000
        if reader.atEnd { return dayMicros }
        guard reader.expect("T", "t"), let hour = reader.digits(2), reader.expect(":"),
              let minute = reader.digits(2), reader.expect(":"), let second = reader.digits(2),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var micros: Int64 = 0
        if reader.expect(".") {
            var scale: Int64 = 100_000
            var count = 0
            while let digit = reader.digit() {
                guard count < 6 else { return nil }
                micros += digit * scale
                scale /= 10
                count += 1
            }
            guard count > 0 else { return nil }
        }
        var offsetSeconds: Int64 = 0
        if reader.expect("Z", "z") {
            offsetSeconds = 0
        } else if let sign = reader.sign() {
            guard let offsetHour = reader.digits(2), reader.expect(":"), let offsetMinute = reader.digits(2),
                  offsetHour < 24, offsetMinute < 60
            else { return nil }
            offsetSeconds = sign * (offsetHour * 3_600 + offsetMinute * 60)
        } else {
            return nil
        }
        guard reader.atEnd else { return nil }
        return dayMicros + ((hour * 3_600 + minute * 60 + second) - offsetSeconds) * 1_000_000 + micros
    }

    // MARK: - The civil calendar

    /// Days from 1970-01-01 to a proleptic Gregorian date (`days_from_civil`).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        return era * 146_097 + yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear - 719_468
    }

    /// The (year, month, day) of a day count from 1970-01-01 (`civil_from_days`).
    public static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The number of days in a month of a proleptic Gregorian year.
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Quotient and a non-negative remainder, so instants before 1970 format correctly.
    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    // MARK: - Writing

    private static func append(
        seconds: Int64, fraction: Int64, digits: Int, separator: Unicode.Scalar, zone: String, to bytes: inout [UInt8]
    ) {
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        appendDate(days: days, to: &bytes)
        bytes.append(UInt8(ascii: separator))
        appendDigits(secondOfDay / 3_600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        appendDigits(fraction, width: digits, to: &bytes)
        bytes.append(contentsOf: zone.utf8)
    }

    private static func appendDate(days: Int64, to bytes: inout [UInt8]) {
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        appendDigits(year, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(day, width: 2, to: &bytes)
    }

    /// Decimal digits, zero-padded to `width`, written in place (no temporary arrays).
    private static func appendDigits(_ value: Int64, width: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        var rest = max(0, value)
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0 || bytes.count - start < width
        bytes[start...].reverse()
    }

    // MARK: - Reading

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func digit() -> Int64? {
            guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else { return nil }
            index += 1
            return Int64(bytes[index - 1] - UInt8(ascii: "0"))
        }

        mutating func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            let start = index
            var value: Int64 = 0
            for _ in 0..<count {
                guard let digit = digit() else {
                    index = start
                    return nil
                }
                value = value * 10 + digit
            }
            return value
        }

        mutating func expect(_ options: Unicode.Scalar...) -> Bool {
            guard index < bytes.count, options.contains(where: { UInt8(ascii: $0) == bytes[index] }) else { return false }
            index += 1
            return true
        }

        mutating func sign() -> Int64? {
            if expect("+") { return 1 }
            if expect("-") { return -1 }
            return nil
        }
    }
}
