/// A lexical pre-check of bracket nesting, run on the raw text before the
/// GraphQL parser. The parser recurses once per `{`, `(` or `[` and
/// overflows the stack about a thousand levels down (a segfault, not an
/// error), so deeper text must never reach it.
enum NestingScanner {
    /// The most nesting ever let through, whatever the limits say.
    static let ceiling = 256

    /// True when brackets outside strings and comments nest deeper than `limit`.
    static func exceeds(_ text: String, limit: Int) -> Bool {
        var text = text
        return text.withUTF8 { exceeds($0, limit: limit) }
    }

    static func exceeds(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> Bool {
        var depth = 0
        var index = 0
        let count = bytes.count
        while index < count {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "("), UInt8(ascii: "["):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "}"), UInt8(ascii: ")"), UInt8(ascii: "]"):
                // Unbalanced closers are the parser's to report.
                if depth > 0 { depth -= 1 }
            case UInt8(ascii: "#"):
                while index < count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
            case UInt8(ascii: "\""):
                index = endOfString(bytes, from: index)
                continue
            default:
                break
            }
            index += 1
        }
        return false
    }

    /// The index just past the `"…"` or `"""…"""` string starting at `start`,
    /// or the end of the text when it is unterminated.
    private static func endOfString(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let quote = UInt8(ascii: "\"")
        let count = bytes.count
        let isBlock = start + 2 < count && bytes[start + 1] == quote && bytes[start + 2] == quote
        var index = start + (isBlock ? 3 : 1)
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                // In a block string only `\"""` is an escape; elsewhere `\x` is.
                if !isBlock {
                    index += 2
                } else if index + 3 < count, bytes[index + 1] == quote, bytes[index + 2] == quote, bytes[index + 3] == quote {
                    index += 4
                } else {
                    index += 1
                }
                continue
            }
            if byte == quote {
                if !isBlock { return index + 1 }
                if index + 2 < count, bytes[index + 1] == quote, bytes[index + 2] == quote { return index + 3 }
            }
            // A plain string ends at a line break (the parser reports it).
            if !isBlock, byte == 0x0A || byte == 0x0D { return index }
            index += 1
        }
        return count
    }
}
