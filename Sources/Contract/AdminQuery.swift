/// Query strings and path segments of admin calls (`?since=2026-11-01T00:00:00Z`).
public enum AdminQuery {
    /// `a=1&b=x%20y` → ["a": "1", "b": "x y"]; `+` is a space (form encoding, what curl
    /// `--data-urlencode -G` sends). Nil when a percent escape is broken or not UTF-8.
    public static func parse(_ query: String?) -> [String: String]? {
        guard let query, !query.isEmpty else { return [:] }
        var values: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0].map { $0 == "+" ? " " : $0 })
            let value = parts.count > 1 ? String(parts[1].map { $0 == "+" ? " " : $0 }) : ""
            guard let decodedName = percentDecoded(Substring(name)), let decodedValue = percentDecoded(Substring(value)) else {
                return nil
            }
            values[decodedName] = decodedValue
        }
        return values
    }

    /// `%XX` escapes decoded; nil for a broken escape or bytes that are not UTF-8.
    public static func percentDecoded(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
