/// How callers are identified. The Config module maps YAML keys onto this struct.
public struct IdentityConfiguration: Sendable, Equatable {
    /// Where identity comes from.
    public enum Mode: String, Sendable, Equatable {
        /// `Authorization: Bearer <JWT>`, verified with OpenSSL.
        case jwt
        /// `X-Tenant`, `X-User-Id`, `X-Roles` trusted as sent (behind an authenticating proxy, or the demo).
        case headers
    }

    public var mode: Mode
    /// HS256 shared secret, at least 32 bytes (RFC 7518 §3.2); nil refuses HS256 tokens.
    public var hs256Secret: [UInt8]?
    /// JWKS file with the RS256/ES256 public keys; nil refuses RS256/ES256 tokens.
    public var jwksPath: String?
    /// Required `iss`, compared exactly; nil accepts any issuer.
    public var issuer: String?
    /// Required member of `aud`; nil does not check `aud`.
    public var audience: String?
    /// How far `exp`, `nbf` and `iat` may be off the local clock (0 to 5 minutes).
    public var clockSkew: Duration
    /// Treat an admin call from 127.0.0.1/::1 that carries no identity as `local-operator`.
    public var loopbackOperator: Bool
    /// Page origins (`http(s)://host[:port]`) whose calls may still be the loopback operator;
    /// by default none, so any call carrying an `Origin` is refused (`LoopbackOperatorGuard`).
    public var loopbackAllowedOrigins: [String]
    /// `headers` mode: the user id of a request that sends `X-Tenant` but no `X-User-Id`.
    /// Nil (the default) makes such a request `UNAUTHENTICATED`; the demo sets it so
    /// the runbooks' curls, which send only `X-Tenant`, work.
    public var defaultUser: String?
    /// Bearer tokens longer than this are refused before decoding.
    public var maxTokenBytes: Int
    /// Verified tokens remembered until their `exp`; 0 turns the cache off.
    public var tokenCacheCapacity: Int

    public static let defaultClockSkew: Duration = .seconds(60)
    public static let maximumClockSkew: Duration = .seconds(300)
    public static let minimumSecretBytes = 32

    public init(
        mode: Mode = .headers,
        hs256Secret: [UInt8]? = nil,
        jwksPath: String? = nil,
        issuer: String? = nil,
        audience: String? = nil,
        clockSkew: Duration = IdentityConfiguration.defaultClockSkew,
        loopbackOperator: Bool = false,
        loopbackAllowedOrigins: [String] = [],
        defaultUser: String? = nil,
        maxTokenBytes: Int = 8192,
        tokenCacheCapacity: Int = 10_000
    ) {
        self.mode = mode
        self.hs256Secret = hs256Secret
        self.jwksPath = jwksPath
        self.issuer = issuer
        self.audience = audience
        self.clockSkew = clockSkew
        self.loopbackOperator = loopbackOperator
        self.loopbackAllowedOrigins = loopbackAllowedOrigins
        self.defaultUser = defaultUser
        self.maxTokenBytes = maxTokenBytes
        self.tokenCacheCapacity = tokenCacheCapacity
    }

    /// The skew in whole seconds, the unit of JWT times.
    var clockSkewSeconds: Int64 {
        clockSkew.components.seconds
    }

    /// Checks the values; the error names the offending property.
    public func validate() throws(IdentityConfigurationError) {
        if mode == .jwt, hs256Secret == nil, jwksPath == nil {
            throw IdentityConfigurationError(field: "hs256Secret/jwksPath", message: "jwt mode needs a shared secret, a JWKS file, or both")
        }
        if let secret = hs256Secret, secret.count < Self.minimumSecretBytes {
            throw IdentityConfigurationError(
                field: "hs256Secret",
                message: "is \(secret.count) bytes; HS256 needs at least \(Self.minimumSecretBytes)"
            )
        }
        if let jwksPath, jwksPath.isEmpty {
            throw IdentityConfigurationError(field: "jwksPath", message: "is empty")
        }
        if let issuer, issuer.isEmpty { throw IdentityConfigurationError(field: "issuer", message: "is empty") }
        if let audience, audience.isEmpty { throw IdentityConfigurationError(field: "audience", message: "is empty") }
        if clockSkew < .zero || clockSkew > Self.maximumClockSkew {
            throw IdentityConfigurationError(field: "clockSkew", message: "must be between 0 and 300 seconds")
        }
        for origin in loopbackAllowedOrigins {
            if let problem = LoopbackOperatorGuard.originProblem(origin) {
                throw IdentityConfigurationError(field: "loopbackAllowedOrigins", message: "has \"\(origin)\": \(problem)")
            }
        }
        if let defaultUser, let problem = IdentifierRules.subjectProblem(defaultUser) {
            throw IdentityConfigurationError(field: "defaultUser", message: problem)
        }
        if !(256...65_536).contains(maxTokenBytes) {
            throw IdentityConfigurationError(field: "maxTokenBytes", message: "must be between 256 and 65536")
        }
        if !(0...1_000_000).contains(tokenCacheCapacity) {
            throw IdentityConfigurationError(field: "tokenCacheCapacity", message: "must be between 0 and 1000000")
        }
    }
}

extension IdentityConfiguration: CustomStringConvertible {
    /// Every setting except the secret, which is shown only as its length.
    public var description: String {
        let secret = hs256Secret.map { "<\($0.count) bytes>" } ?? "nil"
        return "IdentityConfiguration(mode: \(mode.rawValue), hs256Secret: \(secret), jwksPath: \(jwksPath ?? "nil"), "
            + "issuer: \(issuer ?? "nil"), audience: \(audience ?? "nil"), clockSkew: \(clockSkew), "
            + "loopbackOperator: \(loopbackOperator), loopbackAllowedOrigins: \(loopbackAllowedOrigins), defaultUser: \(defaultUser ?? "nil"), "
            + "maxTokenBytes: \(maxTokenBytes), tokenCacheCapacity: \(tokenCacheCapacity))"
    }
}

/// An identity setting that cannot work; `field` names the `IdentityConfiguration` property.
public struct IdentityConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let message: String

    public var description: String { "identity.\(field) \(message)" }
}
