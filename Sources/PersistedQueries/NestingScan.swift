/// A linear pre-parse scan of GraphQL source for bracket depth. The parser and printer recurse
/// once per level, so a body like `{a{a{a…` megabytes deep would overflow the stack; this
/// refuses it first, skipping strings, block strings and comments as the lexer does.
enum NestingScan {
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    /// The deepest nesting of `{`, `[` and `(` in `source`, or nil once it passes `limit`.
    static func depth(of source: String, limit: Int) -> Int? {
        let bytes = Array(source.utf8)
        var index = 0
        var depth = 0
        var deepest = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "\r") {
                    index += 1
                }
            case quote:
                index = endOfString(bytes, openingAt: index) - 1
            case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "("):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > limit { return nil }
            case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ")"):
                depth = max(0, depth - 1)
            default:
                break
            }
            index += 1
        }
        return deepest
    }

    /// The index just past the string that opens at `start`: `"…"` (a backslash escapes the next
    /// byte; a line break ends it, as a lexer error would) or `"""…"""` (only `\"""` escapes).
    private static func endOfString(_ bytes: [UInt8], openingAt start: Int) -> Int {
        if startsTripleQuote(bytes, at: start) {
            var index = start + 3
            while index < bytes.count {
                if bytes[index] == backslash, startsTripleQuote(bytes, at: index + 1) {
                    index += 4
                } else if startsTripleQuote(bytes, at: index) {
                    return index + 3
                } else {
                    index += 1
                }
            }
            return bytes.count
        }
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case quote: return index + 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return index
            case backslash: index += 2
            default: index += 1
            }
        }
        return bytes.count
    }

    private static func startsTripleQuote(_ bytes: [UInt8], at index: Int) -> Bool {
        index + 2 < bytes.count && bytes[index] == quote && bytes[index + 1] == quote && bytes[index + 2] == quote
    }
}
