/// HTML text built by interpolation that escapes by default: `"<td>\(note)</td>"` as `HTML`
/// escapes `note` (a tenant's or user's words) and only another `HTML` value goes in as
/// markup. The one way pages are written, so no value reaches a page unescaped.
public struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var rendered: String

    public init(stringLiteral value: String) {
        rendered = value
    }

    public init(stringInterpolation: Interpolation) {
        rendered = stringInterpolation.rendered
    }

    public var description: String { rendered }

    public struct Interpolation: StringInterpolationProtocol {
        var rendered = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            rendered.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) {
            rendered += literal
        }

        /// Text: escaped for an element's content and for a quoted attribute value alike.
        public mutating func appendInterpolation(_ text: String) {
            rendered += HTML.escape(text)
        }

        public mutating func appendInterpolation(_ text: String?) {
            rendered += HTML.escape(text ?? "")
        }

        public mutating func appendInterpolation(_ number: Int) {
            rendered += String(number)
        }

        public mutating func appendInterpolation(_ number: Int64) {
            rendered += String(number)
        }

        /// Markup built the same way.
        public mutating func appendInterpolation(_ html: HTML) {
            rendered += html.rendered
        }

        public mutating func appendInterpolation(_ list: [HTML]) {
            for html in list { rendered += html.rendered }
        }
    }

    /// `& < > " '` as entities: safe in content and in single- or double-quoted attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Several pieces, one after another.
    public static func join(_ pieces: [HTML]) -> HTML {
        var html: HTML = ""
        for piece in pieces { html.rendered += piece.rendered }
        return html
    }
}
