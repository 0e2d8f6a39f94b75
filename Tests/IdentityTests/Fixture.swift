import HTTP
import Identity

/// Authenticators and requests shared by the tests.
enum Fixture {
    /// jwt mode with the test secret, the test JWKS, issuer and audience; cache off unless asked.
    static func jwtConfiguration(keys: TestKeys, cacheCapacity: Int = 0) -> IdentityConfiguration {
        IdentityConfiguration(
            mode: .jwt,
            hs256Secret: TokenFactory.secret,
            jwksPath: keys.jwksPath,
            issuer: TokenFactory.issuer,
            audience: TokenFactory.audience,
            tokenCacheCapacity: cacheCapacity
        )
    }

    static func jwtAuthenticator(
        cacheCapacity: Int = 0,
        loopbackOperator: Bool = false,
        change: (inout IdentityConfiguration) -> Void = { _ in }
    ) throws -> Authenticator {
        var configuration = jwtConfiguration(keys: try TestKeys.get(), cacheCapacity: cacheCapacity)
        configuration.loopbackOperator = loopbackOperator
        change(&configuration)
        return try Authenticator(configuration: configuration)
    }

    static func bearer(_ token: String, _ extra: [(String, String)] = []) -> HTTPHeaders {
        HTTPHeaders([("Authorization", "Bearer " + token)] + extra)
    }

    /// Identifies a GraphQL request (not admin, not loopback) at the fixed test time.
    static func identify(
        _ authenticator: Authenticator,
        _ headers: HTTPHeaders,
        now: Int64 = TokenFactory.now
    ) -> Result<Identity, IdentityError> {
        authenticator.identify(headers: headers, peerIsLoopback: false, route: .graphQL, now: now)
    }

    /// What curl sends to a loopback admin port: a `Host` and nothing a browser adds.
    static let curlHost = HTTPHeaders([("Host", "127.0.0.1:4000")])

    /// A `GET` admin call with no body, as `curl -s $API/admin/…` makes it.
    static let adminGet = IdentifiedRoute.admin(method: "GET", body: [])

    /// The token error, or nil when the token was accepted or refused for another reason.
    static func tokenError(_ result: Result<Identity, IdentityError>) -> JWTError? {
        guard case .failure(let error) = result, case .invalidToken(let reason) = error.reason else { return nil }
        return reason
    }
}
