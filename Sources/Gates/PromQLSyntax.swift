/// A lexical check of a PromQL expression, so a matrix with a query Prometheus cannot parse
/// fails when it is read, not at 02:00 on release day as an INCONCLUSIVE gate: brackets
/// balance and nest properly, strings close, range and offset durations are well formed,
/// and no character outside PromQL's alphabet appears. It is not a full parser; Prometheus
/// still answers `bad_data` for what this lets through, and that is INCONCLUSIVE.
public enum PromQLSyntax {
    /// nil when the query passes; otherwise what is wrong, with the 1-based column.
    public static func problem(in query: String) -> String? {
        let chars = Array(query.unicodeScalars)
        if chars.allSatisfy({ $0.properties.isWhitespace }) { return "the query is empty" }
        var stack: [(Unicode.Scalar, Int)] = []
        var index = 0
        let pairs: [Unicode.Scalar: Unicode.Scalar] = [")": "(", "]": "[", "}": "{"]
        while index < chars.count {
            let c = chars[index]
            let column = index + 1
            switch c {
            case "\"", "'", "`":
                guard let end = closing(of: c, in: chars, from: index + 1) else {
                    return "unterminated string starting at column \(column)"
                }
                index = end
            case "#":
                // A comment runs to the end of the line.
                while index < chars.count && chars[index] != "\n" { index += 1 }
            case "(", "{":
                stack.append((c, column))
            case "[":
                guard let end = chars[(index + 1)...].firstIndex(of: "]") else {
                    return "unclosed '[' at column \(column)"
                }
                let inside = String(String.UnicodeScalarView(chars[(index + 1)..<end]))
                if let problem = rangeProblem(inside) { return "\(problem) in '[\(inside)]' at column \(column)" }
                index = end
            case ")", "}", "]":
                guard let (open, openColumn) = stack.popLast() else { return "unmatched '\(c)' at column \(column)" }
                guard pairs[c] == open else { return "'\(open)' at column \(openColumn) is closed by '\(c)' at column \(column)" }
            default:
                if !allowed(c) { return "unexpected character '\(c)' at column \(column)" }
            }
            index += 1
        }
        if let (open, column) = stack.last { return "unclosed '\(open)' at column \(column)" }
        return nil
    }

    private static func closing(of quote: Unicode.Scalar, in chars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        while index < chars.count {
            if chars[index] == "\\" && quote != "`" {
                index += 2
                continue
            }
            if chars[index] == quote { return index }
            index += 1
        }
        return nil
    }

    /// `5m`, `1h30m`, `30s:10s` (a subquery); a template placeholder (`$__month`) is allowed.
    private static func rangeProblem(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("$") { return nil }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return "a malformed range" }
        for (position, part) in parts.enumerated() {
            // A subquery may leave out its resolution: `[30m:]`.
            if part.isEmpty && position == 1 { continue }
            guard isDuration(String(part)) else { return "a malformed duration '\(part)'" }
        }
        return nil
    }

    /// Prometheus durations: one or more `NUMBER UNIT` with units ms, s, m, h, d, w, y.
    static func isDuration(_ text: String) -> Bool {
        let units = ["ms", "s", "m", "h", "d", "w", "y"]
        var rest = Substring(text)
        guard !rest.isEmpty else { return false }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return false }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0) }) else { return false }
            rest = rest.dropFirst(unit.count)
        }
        return true
    }

    private static func allowed(_ c: Unicode.Scalar) -> Bool {
        if c.properties.isWhitespace { return true }
        if ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) { return true }
        return "_:.,=!~+-*/%^<>@$".unicodeScalars.contains(c)
    }
}
