/// A typed refusal of a request, rendered by the HTTP layer as a
/// GraphQL-over-HTTP error body with the code and status of SPEC §1.
public struct Rejection: Error, Sendable, Equatable {
    /// The error codes of SPEC §1, each with its HTTP status.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        case unauthenticated = "UNAUTHENTICATED"
        case forbidden = "FORBIDDEN"
        case badRequest = "BAD_REQUEST"
        case payloadTooLarge = "PAYLOAD_TOO_LARGE"
        case notFound = "NOT_FOUND"
        case methodNotAllowed = "METHOD_NOT_ALLOWED"
        case persistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
        case persistedQueryNotAllowed = "PERSISTED_QUERY_NOT_ALLOWED"
        case introspectionDisabled = "INTROSPECTION_DISABLED"
        case budgetDeclarationMissing = "BUDGET_DECLARATION_MISSING"
        case approvalRequired = "APPROVAL_REQUIRED"
        case rateLimited = "RATE_LIMITED"
        case budgetExceeded = "BUDGET_EXCEEDED"
        case dependencyUnavailable = "DEPENDENCY_UNAVAILABLE"
        case upstreamError = "UPSTREAM_ERROR"
        /// The cost downshift ladder refused the operation at this tier (SPEC §12).
        case downshifted = "DOWNSHIFTED"

        /// The default status; `UPSTREAM_ERROR` is 502 or 504 (set per rejection).
        public var defaultStatus: Int {
            switch self {
            case .unauthenticated: return 401
            case .forbidden, .persistedQueryNotAllowed, .introspectionDisabled,
                 .budgetDeclarationMissing, .approvalRequired: return 403
            case .badRequest: return 400
            case .payloadTooLarge: return 413
            case .notFound: return 404
            case .methodNotAllowed: return 405
            case .persistedQueryNotFound: return 200
            case .rateLimited: return 429
            case .budgetExceeded: return 402
            case .dependencyUnavailable, .downshifted: return 503
            case .upstreamError: return 502
            }
        }
    }

    /// A JSON value for `extensions` details (kept tiny and Sendable).
    public enum Detail: Sendable, Equatable {
        case string(String)
        case int(Int64)
        case bool(Bool)
        case strings([String])
    }

    public var code: Code
    public var status: Int
    public var message: String
    /// Extra `extensions` members, e.g. `approvalRequestId`, `window`.
    public var details: [(String, Detail)]
    /// Extra response headers, e.g. `Retry-After`.
    public var headers: [(String, String)]

    public init(_ code: Code, _ message: String, status: Int? = nil, details: [(String, Detail)] = [], headers: [(String, String)] = []) {
        self.code = code
        self.status = status ?? code.defaultStatus
        self.message = message
        self.details = details
        self.headers = headers
    }

    public static func == (lhs: Rejection, rhs: Rejection) -> Bool {
        lhs.code == rhs.code && lhs.status == rhs.status && lhs.message == rhs.message
            && lhs.details.elementsEqual(rhs.details, by: { $0.0 == $1.0 && $0.1 == $1.1 })
            && lhs.headers.elementsEqual(rhs.headers, by: { $0 == $1 })
    }
}
