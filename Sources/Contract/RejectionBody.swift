/// Renders a `Rejection` as `{"errors":[{"message":…,"extensions":{"code":…,…}}]}`.
extension Rejection {
    public var jsonBody: [UInt8] {
        var out = #"{"errors":[{"message":"#
        out += JSONText.quote(message)
        out += #","extensions":{"code":"#
        out += JSONText.quote(code.rawValue)
        for (key, value) in details {
            out += "," + JSONText.quote(key) + ":"
            switch value {
            case .string(let s): out += JSONText.quote(s)
            case .int(let i): out += String(i)
            case .bool(let b): out += b ? "true" : "false"
            case .strings(let list): out += "[" + list.map(JSONText.quote).joined(separator: ",") + "]"
            }
        }
        out += "}}]}"
        return Array(out.utf8)
    }
}

/// Minimal JSON string quoting (RFC 8259 §7), for bodies built by hand on hot paths.
public enum JSONText {
    public static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}
