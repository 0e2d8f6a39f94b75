import Kit

/// Renders a `Rejection` as `{"errors":[{"message":…,"extensions":{"code":…,…}}]}`.
extension Rejection {
    public var jsonBody: [UInt8] {
        var out = #"{"errors":[{"message":"#
        out += JSONText.quoted(message)
        out += #","extensions":{"code":"#
        out += JSONText.quoted(code.rawValue)
        for (key, value) in details {
            out += "," + JSONText.quoted(key) + ":"
            switch value {
            case .string(let s): out += JSONText.quoted(s)
            case .int(let i): out += String(i)
            case .bool(let b): out += b ? "true" : "false"
            case .strings(let list): out += "[" + list.map(JSONText.quoted).joined(separator: ",") + "]"
            }
        }
        out += "}}]}"
        return Array(out.utf8)
    }
}
