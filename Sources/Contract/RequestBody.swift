import Kit

/// A JSON object body with a fixed set of keys: unknown keys are refused by name, so a
/// typo (`budget_multipler`) is a 400 rather than a silently ignored field.
public struct RequestBody: Sendable {
    public let object: JSONValue

    /// The call's body as an object whose keys are all in `known`.
    /// With `optional`, an empty body reads as `{}`.
    public static func parse(_ call: AdminCall, known: [String], optional: Bool = false) -> Result<RequestBody, AdminReply> {
        let blank: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")]
        if optional && call.body.allSatisfy(blank.contains) {
            return .success(RequestBody(object: .object([])))
        }
        switch call.jsonObject() {
        case .failure(let reply):
            return .failure(reply)
        case .success(let object):
            if let unknown = object.objectMembers?.first(where: { !known.contains($0.key) }) {
                let expected = known.map { "\"\($0)\"" }.joined(separator: ", ")
                return .failure(.badRequest("unknown key \"\(unknown.key)\"; expected \(expected)"))
            }
            return .success(RequestBody(object: object))
        }
    }

    public subscript(key: String) -> JSONValue? { object[key] }

    /// A required non-empty string of at most `maxBytes` UTF-8 bytes (surrounding blanks trimmed).
    public func text(_ key: String, maxBytes: Int, required: Bool) -> Result<String?, AdminReply> {
        guard let value = object[key], !value.isNull else {
            return required ? .failure(.badRequest("\"\(key)\" is required")) : .success(nil)
        }
        guard let text = value.stringValue else { return .failure(.badRequest("\"\(key)\" must be a string")) }
        let trimmed = text.trimmingBlanks()
        guard !trimmed.isEmpty else { return .failure(.badRequest("\"\(key)\" must not be empty")) }
        guard trimmed.utf8.count <= maxBytes else { return .failure(.badRequest("\"\(key)\" is longer than \(maxBytes) bytes")) }
        return .success(trimmed)
    }
}

extension String {
    func trimmingBlanks() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
