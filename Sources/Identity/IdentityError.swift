/// Why a request has no accepted identity; renders as SPEC's `UNAUTHENTICATED` (401) or
/// `FORBIDDEN` (403).
public struct IdentityError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The client-facing error code.
    public enum Code: String, Sendable, Equatable {
        case unauthenticated = "UNAUTHENTICATED"
        case forbidden = "FORBIDDEN"
    }

    public enum Reason: Equatable, Sendable {
        /// No `Authorization` (jwt mode) or no identity headers (headers mode).
        case missingCredentials
        /// `Authorization` is not one `Bearer <token>`.
        case malformedAuthorization(String)
        /// The bearer token was refused.
        case invalidToken(JWTError)
        /// An identity header is missing (headers mode).
        case missingHeader(String)
        /// An identity header has an unusable value, or several conflicting ones.
        case invalidHeader(name: String, reason: String)
        /// `X-Tenant` names another tenant than the token's (the token is otherwise valid).
        case tenantMismatch(header: String, token: String)
        /// A credential-less admin call from loopback that looks like a browser acting for a
        /// page (`LoopbackOperatorGuard`): `FORBIDDEN`, not anonymous, so the caller learns why.
        case loopbackOperatorRefused(LoopbackRefusal)
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    /// `FORBIDDEN` for a valid identity asking for another tenant and for a refused loopback
    /// operator; `UNAUTHENTICATED` otherwise.
    public var code: Code {
        switch reason {
        case .tenantMismatch, .loopbackOperatorRefused: .forbidden
        default: .unauthenticated
        }
    }

    /// The message for the client's error body.
    public var message: String {
        switch reason {
        case .missingCredentials: "authentication required"
        case .malformedAuthorization(let why): "invalid Authorization header: \(why)"
        case .invalidToken(let error): "invalid token: \(error)"
        case .missingHeader(let name): "missing \(name) header"
        case .invalidHeader(let name, let why): "invalid \(name) header: \(why)"
        case .tenantMismatch: "X-Tenant does not match the token's tenant"
        case .loopbackOperatorRefused(let refusal): refusal.message
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
