import GraphQLAnalysis
import Identity
import Kit

/// One admin call as its handler sees it: already routed, authenticated and authorized
/// by the role table (`AdminAccess`).
public struct AdminCall: Sendable {
    public let method: String
    public let path: String
    /// Values of the template's `{name}` segments.
    public let parameters: [String: String]
    /// The decoded query string (`?since=…`); a repeated name keeps its last value.
    public let query: [String: String]
    /// The request body, gzip already inflated.
    public let body: [UInt8]
    public let headers: [(String, String)]
    public let identity: Identity
    public let requestID: String

    public init(
        method: String, path: String, parameters: [String: String], query: [String: String], body: [UInt8],
        headers: [(String, String)], identity: Identity, requestID: String
    ) {
        self.method = method
        self.path = path
        self.parameters = parameters
        self.query = query
        self.body = body
        self.headers = headers
        self.identity = identity
        self.requestID = requestID
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The body as a JSON object, or a `BAD_REQUEST` reply saying why not.
    public func jsonObject() -> Result<JSONValue, AdminReply> {
        guard !body.isEmpty else { return .failure(.badRequest("the request needs a JSON object body")) }
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONValue.parse(body)
        } catch {
            // The request analysis' sentence, as admin clients have always read it.
            return .failure(.badRequest("the body is not valid JSON: \(AnalysisError(json: error).message)"))
        }
        guard value.objectMembers != nil else { return .failure(.badRequest("the body must be a JSON object")) }
        return .success(value)
    }
}

/// What an admin handler answers: a status and a body, JSON unless a page or an asset of the
/// web UI says otherwise (`contentType`, `headers`: its security headers and caching).
public struct AdminReply: Error, Sendable {
    public var status: Int
    public var body: [UInt8]
    public var contentType = "application/json"
    /// Added to the response; a `Cache-Control` here replaces the default `no-store`.
    public var headers: [(String, String)] = []

    public init(status: Int = 200, json: JSONValue) {
        self.status = status
        self.body = Array(json.serialized.utf8)
    }

    public init(status: Int, contentType: String, body: [UInt8], headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// The body as JSON, when it is (an inner call's answer read by the web UI).
    public var json: JSONValue? {
        guard contentType == "application/json" else { return nil }
        return try? JSONValue.parse(body)
    }

    /// An error in the SPEC §1 shape (`{"errors":[{"message","extensions":{"code"}}]}`).
    public init(_ rejection: Rejection) {
        self.status = rejection.status
        self.body = rejection.jsonBody
    }

    public static func badRequest(_ message: String) -> AdminReply {
        AdminReply(Rejection(.badRequest, message))
    }

    public static func unavailable(_ message: String) -> AdminReply {
        AdminReply(Rejection(.dependencyUnavailable, message))
    }
}

/// One admin route: method, SPEC §3 template (`{name}` for a variable segment) and handler.
/// Who may call it is not here: the one role table in `AdminAccess` says that.
public struct AdminEndpoint: Sendable {
    public let method: String
    public let template: String
    public let handle: @Sendable (AdminCall) async -> AdminReply

    public init(_ method: String, _ template: String, handle: @escaping @Sendable (AdminCall) async -> AdminReply) {
        self.method = method
        self.template = template
        self.handle = handle
    }

    /// The `{name}` values when `path` fits the template, else nil.
    public func match(_ path: String) -> [String: String]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let pattern = template.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == pattern.count else { return nil }
        var values: [String: String] = [:]
        for (expected, actual) in zip(pattern, segments) {
            if expected.hasPrefix("{") && expected.hasSuffix("}") {
                guard !actual.isEmpty, let decoded = AdminQuery.percentDecoded(actual) else { return nil }
                values[String(expected.dropFirst().dropLast())] = decoded
            } else if expected != actual {
                return nil
            }
        }
        return values
    }
}
