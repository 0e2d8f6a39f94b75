/// Exact reading of a JSON number's literal text.
enum JSONNumberText {
    /// The integer the text denotes, if it is whole and fits `Int64`.
    /// Works on the decimal digits and the exponent, never on a float.
    static func exactInteger(_ text: String) -> Int64? {
        var bytes = Substring(text).utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        var digits: [UInt8] = []
        var fractionCount = 0
        var inFraction = false
        var exponent = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard let parsed = parseExponent(bytes[bytes.index(after: index)...]) else { return nil }
                exponent = parsed
                break
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits.append(byte - UInt8(ascii: "0"))
                if inFraction { fractionCount += 1 }
            } else {
                return nil
            }
            index = bytes.index(after: index)
        }
        guard !digits.isEmpty else { return nil }
        var scale = exponent - fractionCount
        // Digits below the decimal point must all be zero.
        while scale < 0 {
            guard let last = digits.last else { return 0 }
            guard last == 0 else { return nil }
            digits.removeLast()
            scale += 1
        }
        while digits.first == 0 { digits.removeFirst() }
        if digits.isEmpty { return 0 }
        guard digits.count + scale <= 19 else { return nil }
        var value: Int64 = 0
        for digit in digits + Array(repeating: 0, count: scale) {
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    /// The exponent after `e`, bounded so `1e999999999` cannot allocate digits.
    private static func parseExponent(_ bytes: Substring.UTF8View.SubSequence) -> Int? {
        var rest = bytes
        var sign = 1
        if rest.first == UInt8(ascii: "-") {
            sign = -1
            rest = rest.dropFirst()
        } else if rest.first == UInt8(ascii: "+") {
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        var value = 0
        for byte in rest {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            // Past a few hundred the number is either zero-fraction garbage or out of range.
            if value > 400 { return nil }
        }
        return sign * value
    }
}
