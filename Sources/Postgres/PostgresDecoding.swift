import Foundation
import Kit

/// Pure text-format codecs for the types we read and write. Postgres sends
/// results as text (we set `DateStyle=ISO` and `TimeZone=UTC` on connect), so
/// these parse exactly what the server prints; no `Double` touches money.
enum PostgresDecoding {
    static let microsPerUnit: Int64 = 1_000_000

    /// `numeric` text → integer micro-units, exactly. Fails (nil) on NaN/Infinity,
    /// overflow, malformed text, or non-zero digits past the sixth decimal place.
    static func parseMicros(_ text: some StringProtocol) -> Int64? {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var sawDigit = false
        var inFraction = false
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                guard !inFraction else { return nil }
                inFraction = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            sawDigit = true
            if inFraction {
                if fractionDigits < 6 {
                    fraction = fraction * 10 + digit
                    fractionDigits += 1
                } else if digit != 0 {
                    return nil  // more precision than a micro-unit can hold: refuse, never round
                }
            } else {
                let (times10, o1) = whole.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times10.addingReportingOverflow(digit)
                guard !o1, !o2 else { return nil }
                whole = plus
            }
        }
        guard sawDigit else { return nil }
        while fractionDigits < 6 {
            fraction *= 10
            fractionDigits += 1
        }
        let (scaled, o1) = whole.multipliedReportingOverflow(by: microsPerUnit)
        let (total, o2) = scaled.addingReportingOverflow(fraction)
        guard !o1, !o2 else { return nil }
        return negative ? -total : total
    }

    /// Integer micro-units → exact decimal text with six places (`-1.500000`).
    static func formatMicros(_ micros: Int64) -> String {
        let negative = micros < 0
        let magnitude = micros.magnitude
        let whole = magnitude / UInt64(microsPerUnit)
        let fraction = magnitude % UInt64(microsPerUnit)
        let digits = String(fraction)
        let padded = String(repeating: "0", count: 6 - digits.count) + digits
        return (negative ? "-" : "") + "\(whole).\(padded)"
    }

    /// `Date` → `YYYY-MM-DD HH:MM:SS.ffffff+00` (UTC, microsecond precision).
    static func formatTimestamp(_ date: Date) -> String {
        RFC3339.format(micros: Int64((date.timeIntervalSince1970 * 1_000_000).rounded()), separator: " ", zone: "+00")
    }

    /// `timestamptz`/`timestamp` ISO text → microseconds since the Unix epoch
    /// (a `timestamp` without zone is read as UTC). Nil for infinity, BC dates
    /// or malformed text.
    static func parseTimestampMicros(_ text: some StringProtocol) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(maxDigits: Int) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while index < bytes.count, count < maxDigits, bytes[index] >= 48, bytes[index] <= 57 {
                value = value * 10 + Int64(bytes[index] - 48)
                index += 1
                count += 1
            }
            return count == 0 ? nil : value
        }
        func expect(_ char: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == char else { return false }
            index += 1
            return true
        }
        guard let year = number(maxDigits: 9), expect(45), let month = number(maxDigits: 2), expect(45),
              let day = number(maxDigits: 2)
        else { return nil }
        var seconds: Int64 = 0
        var micros: Int64 = 0
        if expect(32) || expect(84) {
            guard let h = number(maxDigits: 2), expect(58), let m = number(maxDigits: 2), expect(58),
                  let s = number(maxDigits: 2)
            else { return nil }
            seconds = h * 3600 + m * 60 + s
            if expect(46) {
                var scale: Int64 = 100_000
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    micros += Int64(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
            }
            if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 {
                let sign: Int64 = bytes[index] == 45 ? -1 : 1
                index += 1
                guard let oh = number(maxDigits: 2) else { return nil }
                var offset = oh * 3600
                if expect(58), let om = number(maxDigits: 2) { offset += om * 60 }
                if expect(58), let os = number(maxDigits: 2) { offset += os }
                seconds -= sign * offset
            }
        }
        guard index == bytes.count, (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = RFC3339.daysFromCivil(year: year, month: month, day: day)
        return (days * 86_400 + seconds) * 1_000_000 + micros
    }

    /// `bytea` hex output (`\x0aff…`) → bytes.
    static func parseByteaHex(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            return nil
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity((utf8.count - 2) / 2)
        var i = 2
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
