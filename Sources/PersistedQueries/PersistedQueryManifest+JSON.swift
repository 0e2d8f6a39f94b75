extension PersistedQueryManifest {
    /// The manifest as JSON in a fixed layout: members in the order Apollo's generator writes
    /// them (`format`, `version`, `operations`; `id`, `name`, `type`, `body`), two-space
    /// indentation, a final newline. Operations keep their order (see `sorted()`), so the same
    /// manifest always yields the same bytes and a signature over them stays valid.
    public func jsonBytes() -> [UInt8] {
        var out = "{\n"
        out += "  \"format\": \(JSONText.quoted(Self.format)),\n"
        out += "  \"version\": \(Self.version),\n"
        if operations.isEmpty {
            out += "  \"operations\": []\n"
        } else {
            out += "  \"operations\": [\n"
            for (index, operation) in operations.enumerated() {
                out += "    {\n"
                out += "      \"id\": \(JSONText.quoted(operation.id)),\n"
                out += "      \"name\": \(JSONText.quoted(operation.name)),\n"
                out += "      \"type\": \(JSONText.quoted(operation.type.rawValue)),\n"
                out += "      \"body\": \(JSONText.quoted(operation.body))\n"
                out += index == operations.count - 1 ? "    }\n" : "    },\n"
            }
            out += "  ]\n"
        }
        out += "}\n"
        return Array(out.utf8)
    }
}

/// JSON string literals, escaped the way RFC 8259 requires and nothing more.
enum JSONText {
    private static let hexDigits = Array("0123456789abcdef")

    /// `text` as a quoted JSON string: `"`, `\` and control characters escaped; everything
    /// else (including non-ASCII) written as UTF-8.
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let control where control.value < 0x20:
                out += "\\u00"
                out.append(hexDigits[Int(control.value >> 4)])
                out.append(hexDigits[Int(control.value & 0x0f)])
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}
