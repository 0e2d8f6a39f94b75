import Kit

/// The refusals every admin area sends, each in the SPEC §1 error shape.
extension AdminReply {
    public static func notFound(_ message: String) -> AdminReply {
        AdminReply(Rejection(.notFound, message))
    }

    public static func forbidden(_ message: String) -> AdminReply {
        AdminReply(Rejection(.forbidden, message))
    }

    /// 409: the override is not in a state that allows the change. SPEC §1 has no code for
    /// it, so the body carries `CONFLICT` in the same shape.
    public static func conflict(_ message: String, details: KeyValuePairs<String, JSONValue> = [:]) -> AdminReply {
        error(status: 409, code: "CONFLICT", message, details: details)
    }

    public static func error(status: Int, code: String, _ message: String, details: KeyValuePairs<String, JSONValue> = [:]) -> AdminReply {
        var extensions = [JSONMember("code", .string(code))]
        extensions += details.map { JSONMember($0.key, $0.value) }
        let body = JSONValue.members([
            "errors": .array([.members(["message": .string(message), "extensions": .object(extensions)])]),
        ])
        return AdminReply(status: status, json: body)
    }
}
