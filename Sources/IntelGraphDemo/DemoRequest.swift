/// An HTTP request as the binding hands it over; nothing here depends on
/// how it was read off the socket.
public struct DemoRequest: Sendable {
    /// `GET`, `POST`… (compared case-sensitively, as HTTP methods are).
    public var method: String
    /// The path without the query string, e.g. `/graphql`. A path that still
    /// carries `?…` is split when `query` is nil.
    public var path: String
    /// The raw query string after `?`, still percent-encoded; nil if none.
    public var query: String?
    /// Header fields in arrival order; names are matched case-insensitively.
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(
        method: String, path: String, query: String? = nil, headers: [(String, String)] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, trimmed, or nil.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        guard let value = headers.first(where: { $0.0.lowercased() == lowered })?.1 else { return nil }
        return value.trimmingASCIIWhitespace()
    }
}

/// An HTTP response for the binding to write. Carries no `Content-Length`:
/// the binding frames the body.
public struct DemoResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response (`Content-Type: application/json`).
    static func json(_ status: Int, _ value: JSONValue, extraHeaders: [(String, String)] = []) -> DemoResponse {
        DemoResponse(
            status: status,
            headers: [("Content-Type", "application/json")] + extraHeaders,
            body: value.serialized
        )
    }

    /// `{"errors":[{"message":…}]}`, the GraphQL error shape, for failures
    /// that happen before any GraphQL runs.
    static func error(_ status: Int, _ message: String, extraHeaders: [(String, String)] = []) -> DemoResponse {
        json(
            status,
            .object([JSONMember("errors", .array([.object([JSONMember("message", .string(message))])]))]),
            extraHeaders: extraHeaders
        )
    }

    /// The first value of header `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first(where: { $0.0.lowercased() == lowered })?.1
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
