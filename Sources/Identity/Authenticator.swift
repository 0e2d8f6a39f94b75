import HTTP
import Synchronization

/// Identify, the first admission step: turns a request's headers into an `Identity`.
///
/// Built once from configuration; safe to call from every connection at once. In `jwt`
/// mode tokens are verified by `JWTVerifier` and remembered in a bounded cache until they
/// expire; in `headers` mode the identity headers are trusted as sent.
public final class Authenticator: Sendable {
    public let configuration: IdentityConfiguration
    /// The RS256/ES256 keys, when a JWKS file is configured.
    public let keys: JWKSStore?
    private let verifier: JWTVerifier
    private let loopbackGuard: LoopbackOperatorGuard
    private let cache: Mutex<VerifiedTokenCache>

    /// An authenticator for a validated `configuration`, loading the JWKS file if one is set.
    public convenience init(configuration: IdentityConfiguration) throws(IdentityConfigurationError) {
        try configuration.validate()
        var keys: JWKSStore?
        if configuration.mode == .jwt, let path = configuration.jwksPath {
            do throws(JWKSError) {
                keys = try JWKSStore(path: path)
            } catch {
                throw IdentityConfigurationError(field: "jwksPath", message: "is unusable: \(error)")
            }
        }
        try self.init(configuration: configuration, keys: keys)
    }

    /// An authenticator using an existing key store (tests, or a store shared across reloads).
    public init(configuration: IdentityConfiguration, keys: JWKSStore?) throws(IdentityConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.keys = keys
        verifier = JWTVerifier(configuration: configuration, keys: keys)
        loopbackGuard = LoopbackOperatorGuard(allowedOrigins: configuration.loopbackAllowedOrigins)
        cache = Mutex(VerifiedTokenCache(capacity: configuration.tokenCacheCapacity))
    }

    /// Re-reads the configured JWKS file (on `SIGHUP`). On error the previous keys stay in
    /// force; the error names the file and the reason. Nil when no JWKS is configured.
    @discardableResult
    public func reloadKeys() throws(JWKSError) -> JWKSet? {
        guard let keys, let path = configuration.jwksPath else { return nil }
        let fresh = try keys.reload(from: path)
        cache.withLock { $0.removeAll() }
        return fresh
    }

    /// Tokens currently remembered as verified.
    public var cachedTokenCount: Int {
        cache.withLock { $0.count }
    }

    /// Verified-token cache lookups since start, for a hit-ratio metric.
    public var tokenCacheStatistics: TokenCacheStatistics {
        cache.withLock { TokenCacheStatistics(entries: $0.count, hits: $0.hits, misses: $0.misses) }
    }

    /// The caller's identity, or why there is none.
    ///
    /// - Parameters:
    ///   - peerIsLoopback: the connection comes from 127.0.0.0/8 or ::1 (decided by the
    ///     server from the socket address, never from a header).
    ///   - route: `/graphql` or `/admin/*`; only an admin call may fall back to the loopback
    ///     operator, and only if `LoopbackOperatorGuard` lets its method, headers and body
    ///     through.
    ///   - now: seconds since the Unix epoch; tests pass a fixed clock.
    public func identify(
        headers: HTTPHeaders,
        peerIsLoopback: Bool,
        route: IdentifiedRoute,
        now: Int64 = UnixClock.now()
    ) -> Result<Identity, IdentityError> {
        let result: Result<Identity, IdentityError> = switch configuration.mode {
        case .jwt: identifyBearer(headers, now: now)
        case .headers: identifyHeaders(headers)
        }
        // Only a call that presented nothing may become the operator: a bad token or
        // incomplete headers stay refused, whoever sends them.
        if case .failure(let error) = result, error.reason == .missingCredentials,
           configuration.loopbackOperator, peerIsLoopback, case .admin(let method, let body) = route {
            return switch loopbackGuard.check(method: method, headers: headers, body: body) {
            case .allow: .success(.loopbackOperator)
            case .refuse(let refusal): .failure(IdentityError(.loopbackOperatorRefused(refusal)))
            }
        }
        return result
    }

    // MARK: - jwt mode

    private func identifyBearer(_ headers: HTTPHeaders, now: Int64) -> Result<Identity, IdentityError> {
        let authorizations = headers.values(for: "Authorization")
        guard let authorization = authorizations.first else { return .failure(IdentityError(.missingCredentials)) }
        guard authorizations.count == 1 else {
            return .failure(IdentityError(.malformedAuthorization("sent more than once")))
        }
        let token: [UInt8]
        switch BearerToken.extract(authorization) {
        case .success(let bytes): token = bytes
        case .failure(let error): return .failure(error)
        }
        let claims: JWTClaims
        do throws(JWTError) {
            claims = try verifiedClaims(token, now: now)
        } catch {
            return .failure(IdentityError(.invalidToken(error)))
        }
        // The token is genuine; a tenant header naming someone else is an authorization
        // failure, not an authentication one.
        for value in headers.values(for: "X-Tenant") {
            let tenant = value.trimmingCharacters(in: " \t")
            if tenant != claims.tenant {
                return .failure(IdentityError(.tenantMismatch(header: tenant, token: claims.tenant)))
            }
        }
        return .success(Identity(subject: claims.subject, tenant: claims.tenant, roles: claims.roles, source: .jwt))
    }

    /// Claims from the cache, or from a full verification that then fills the cache.
    private func verifiedClaims(_ token: [UInt8], now: Int64) throws(JWTError) -> JWTClaims {
        // The size cap comes before hashing, so an oversized token costs nothing.
        guard token.count <= configuration.maxTokenBytes else {
            throw .tooLarge(bytes: token.count, limit: configuration.maxTokenBytes)
        }
        let keySet = keys?.current
        let generation = keySet?.generation ?? 0
        guard configuration.tokenCacheCapacity > 0 else {
            return try verifier.verify(token, keySet: keySet, now: now)
        }
        let digest = VerifiedTokenCache.Digest(of: token)
        if let claims = cache.withLock({ $0.lookup(digest, generation: generation, now: now) }) {
            return claims
        }
        let claims = try verifier.verify(token, keySet: keySet, now: now)
        let (invalidFrom, overflow) = claims.expiresAt.addingReportingOverflow(configuration.clockSkewSeconds)
        cache.withLock {
            $0.insert(digest, claims: claims, generation: generation, invalidFrom: overflow ? .max : invalidFrom)
        }
        return claims
    }

    // MARK: - headers mode

    private func identifyHeaders(_ headers: HTTPHeaders) -> Result<Identity, IdentityError> {
        let tenants = headers.values(for: "X-Tenant")
        let users = headers.values(for: "X-User-Id")
        let roleLines = headers.values(for: "X-Roles")
        if tenants.isEmpty, users.isEmpty, roleLines.isEmpty { return .failure(IdentityError(.missingCredentials)) }

        let tenant: String
        switch single("X-Tenant", tenants) {
        case .success(let value?): tenant = value
        case .success(nil): return .failure(IdentityError(.missingHeader("X-Tenant")))
        case .failure(let error): return .failure(error)
        }
        if let problem = IdentifierRules.tenantProblem(tenant) {
            return .failure(IdentityError(.invalidHeader(name: "X-Tenant", reason: problem)))
        }
        let subject: String
        switch single("X-User-Id", users) {
        case .success(let value?): subject = value
        case .success(nil):
            guard let fallback = configuration.defaultUser else { return .failure(IdentityError(.missingHeader("X-User-Id"))) }
            subject = fallback
        case .failure(let error): return .failure(error)
        }
        if let problem = IdentifierRules.subjectProblem(subject) {
            return .failure(IdentityError(.invalidHeader(name: "X-User-Id", reason: problem)))
        }
        var roles: Set<String> = []
        for line in roleLines {
            for element in line.split(separator: ",") {
                let role = element.trimmingCharacters(in: " \t")
                if role.isEmpty { continue }
                if let problem = IdentifierRules.roleProblem(role) {
                    return .failure(IdentityError(.invalidHeader(name: "X-Roles", reason: "role \(problem)")))
                }
                roles.insert(role)
            }
        }
        guard roles.count <= IdentifierRules.maxRoles else {
            return .failure(IdentityError(.invalidHeader(name: "X-Roles", reason: "lists more than \(IdentifierRules.maxRoles) roles")))
        }
        return .success(Identity(subject: subject, tenant: tenant, roles: roles, source: .headers))
    }

    /// The one value of a header sent once, or several times with the same value (trimmed);
    /// nil when absent or empty.
    private func single(_ name: String, _ values: [String]) -> Result<String?, IdentityError> {
        let distinct = Set(values.map { $0.trimmingCharacters(in: " \t") })
        guard distinct.count <= 1 else {
            return .failure(IdentityError(.invalidHeader(name: name, reason: "sent with conflicting values")))
        }
        guard let value = distinct.first, !value.isEmpty else { return .success(nil) }
        return .success(value)
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters from `set` (ASCII only).
    func trimmingCharacters(in set: String) -> String {
        let unwanted = Set(set.utf8)
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !unwanted.contains($0) }),
              let last = bytes.lastIndex(where: { !unwanted.contains($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}

/// Counters of the verified-token cache.
public struct TokenCacheStatistics: Sendable, Equatable {
    /// Tokens held now.
    public let entries: Int
    /// Lookups answered from the cache (no signature check).
    public let hits: Int
    /// Lookups that needed a full verification (new, expired, or from replaced keys).
    public let misses: Int
}
