/// `application/x-www-form-urlencoded` decoding of a URL's query string.
enum QueryString {
    /// The `name=value` pairs in order; `+` is a space, `%XX` a byte, and the
    /// decoded bytes must be UTF-8.
    static func parse(_ text: String) throws(AnalysisError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for part in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let pieces = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(pieces[0])
            let value = pieces.count > 1 ? try decode(pieces[1]) : ""
            pairs.append((name, value))
        }
        return pairs
    }

    private static func decode(_ bytes: Substring.UTF8View.SubSequence) throws(AnalysisError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                guard first < bytes.endIndex, bytes.index(after: first) < bytes.endIndex,
                    let high = hexValue(bytes[first]), let low = hexValue(bytes[bytes.index(after: first)])
                else {
                    throw AnalysisError(.invalidQueryString("a '%' is not followed by two hex digits"))
                }
                out.append(high << 4 | low)
                index = bytes.index(after: first)
            } else {
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw AnalysisError(.invalidQueryString("a parameter is not UTF-8 after decoding"))
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
