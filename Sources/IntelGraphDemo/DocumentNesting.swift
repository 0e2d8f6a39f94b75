/// A lexical pre-check of a GraphQL document's bracket nesting. The
/// library's parser and validator recurse once per level, and a document
/// nested about a thousand deep overflows a task's stack; so a document
/// nested past `limit` is refused before it reaches them.
enum DocumentNesting {
    /// Far beyond any real operation (the gateway's own depth limit is lower).
    static let limit = 128

    /// True when `{`, `(` and `[` outside strings and comments nest deeper than `limit`.
    static func exceedsLimit(_ text: String, limit: Int = DocumentNesting.limit) -> Bool {
        let bytes = Array(text.utf8)
        var depth = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "("), UInt8(ascii: "["):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "}"), UInt8(ascii: ")"), UInt8(ascii: "]"):
                depth = max(0, depth - 1)
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
            case UInt8(ascii: "\""):
                index = skipString(bytes, from: index)
                continue
            default:
                break
            }
            index += 1
        }
        return false
    }

    /// The index just past the string starting at `start` (a `"…"` or a
    /// `"""…"""` block string), or the end when it is unterminated.
    private static func skipString(_ bytes: [UInt8], from start: Int) -> Int {
        let quote = UInt8(ascii: "\"")
        let isBlock = start + 2 < bytes.count && bytes[start + 1] == quote && bytes[start + 2] == quote
        var index = start + (isBlock ? 3 : 1)
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                // In a block string only `\"""` is an escape; elsewhere `\x` is.
                if !isBlock {
                    index += 2
                } else if index + 3 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote,
                    bytes[index + 3] == quote
                {
                    index += 4
                } else {
                    index += 1
                }
                continue
            }
            if bytes[index] == quote {
                if !isBlock { return index + 1 }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    return index + 3
                }
            }
            if !isBlock, bytes[index] == 0x0A { return index }
            index += 1
        }
        return index
    }
}
