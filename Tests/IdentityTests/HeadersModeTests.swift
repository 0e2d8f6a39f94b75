import HTTP
import Identity
import Testing

@Suite("headers mode and the loopback operator")
struct HeadersModeTests {
    private func authenticator(
        loopbackOperator: Bool = false,
        defaultUser: String? = nil
    ) throws -> Authenticator {
        try Authenticator(configuration: IdentityConfiguration(mode: .headers, loopbackOperator: loopbackOperator, defaultUser: defaultUser))
    }

    @Test("X-Tenant, X-User-Id and X-Roles are trusted as sent")
    func trustedHeaders() throws {
        let headers = HTTPHeaders([
            ("X-Tenant", "maestro-internal"), ("X-User-Id", "alice@example.com"),
            ("X-Roles", " admin, senior_analyst ,,"), ("x-roles", "team_lead"),
        ])
        let identity = try Fixture.identify(try authenticator(), headers).get()
        #expect(identity == Identity(
            subject: "alice@example.com", tenant: "maestro-internal",
            roles: ["admin", "senior_analyst", "team_lead"], source: .headers
        ))
    }

    @Test("X-Roles may be absent: no roles")
    func noRoles() throws {
        let headers = HTTPHeaders([("X-Tenant", "demo"), ("X-User-Id", "bob")])
        #expect(try Fixture.identify(try authenticator(), headers).get().roles.isEmpty)
    }

    @Test("a missing user is UNAUTHENTICATED")
    func missingUser() throws {
        let result = Fixture.identify(try authenticator(), HTTPHeaders([("X-Tenant", "demo")]))
        #expect(result == .failure(IdentityError(.missingHeader("X-User-Id"))))
        if case .failure(let error) = result { #expect(error.code == .unauthenticated) }
    }

    @Test("a missing or empty tenant is UNAUTHENTICATED")
    func missingTenant() throws {
        let authenticator = try authenticator()
        #expect(Fixture.identify(authenticator, HTTPHeaders([("X-User-Id", "bob")]))
            == .failure(IdentityError(.missingHeader("X-Tenant"))))
        #expect(Fixture.identify(authenticator, HTTPHeaders([("X-Tenant", "  "), ("X-User-Id", "bob")]))
            == .failure(IdentityError(.missingHeader("X-Tenant"))))
    }

    @Test("the runbooks' curl (only X-Tenant) works when a default user is configured")
    func defaultUser() throws {
        let identity = try Fixture.identify(try authenticator(defaultUser: "demo-user"), HTTPHeaders([("X-Tenant", "demo")])).get()
        #expect(identity == Identity(subject: "demo-user", tenant: "demo", roles: [], source: .headers))
    }

    @Test("conflicting or malformed identity headers are UNAUTHENTICATED")
    func badHeaders() throws {
        let authenticator = try authenticator()
        let cases: [[(String, String)]] = [
            [("X-Tenant", "demo"), ("X-Tenant", "test"), ("X-User-Id", "bob")],
            [("X-Tenant", "de mo"), ("X-User-Id", "bob")],
            [("X-Tenant", "{demo}"), ("X-User-Id", "bob")],
            [("X-Tenant", "demo"), ("X-User-Id", "bob\u{7}")],
            [("X-Tenant", "demo"), ("X-User-Id", "bob"), ("X-Roles", "admin;drop")],
        ]
        for pairs in cases {
            let result = Fixture.identify(authenticator, HTTPHeaders(pairs))
            guard case .failure(let error) = result, case .invalidHeader = error.reason else {
                Issue.record("expected \(pairs) to be refused, got \(result)")
                continue
            }
            #expect(error.code == .unauthenticated)
        }
    }

    @Test("no identity at all is UNAUTHENTICATED")
    func nothingSent() throws {
        #expect(Fixture.identify(try authenticator(), HTTPHeaders()) == .failure(IdentityError(.missingCredentials)))
    }

    @Test("loopback operator: an admin call from loopback with no identity is local-operator")
    func loopbackOperator() throws {
        for authenticator in [try authenticator(loopbackOperator: true), try Fixture.jwtAuthenticator(loopbackOperator: true)] {
            let identity = try authenticator.identify(headers: Fixture.curlHost, peerIsLoopback: true, route: Fixture.adminGet, now: TokenFactory.now).get()
            #expect(identity.subject == "local-operator")
            #expect(identity.roles == ["admin", "finance_admin"])
            #expect(identity.source == .loopbackOperator)
        }
    }

    @Test("loopback operator only when enabled, from loopback, on an admin route, with nothing presented")
    func loopbackOperatorLimits() throws {
        let enabled = try authenticator(loopbackOperator: true)
        let disabled = try authenticator(loopbackOperator: false)
        let none = Fixture.curlHost
        #expect(disabled.identify(headers: none, peerIsLoopback: true, route: Fixture.adminGet) == .failure(IdentityError(.missingCredentials)))
        #expect(enabled.identify(headers: none, peerIsLoopback: false, route: Fixture.adminGet) == .failure(IdentityError(.missingCredentials)))
        #expect(enabled.identify(headers: none, peerIsLoopback: true, route: .graphQL) == .failure(IdentityError(.missingCredentials)))
        // Incomplete headers are an attempt that failed, not an absence.
        #expect(enabled.identify(headers: HTTPHeaders([("Host", "localhost"), ("X-Tenant", "demo")]), peerIsLoopback: true, route: Fixture.adminGet)
            == .failure(IdentityError(.missingHeader("X-User-Id"))))
        // A bad token from loopback stays refused.
        let jwt = try Fixture.jwtAuthenticator(loopbackOperator: true)
        let result = jwt.identify(headers: Fixture.bearer("a.b.c"), peerIsLoopback: true, route: Fixture.adminGet, now: TokenFactory.now)
        guard case .failure(let error) = result, case .invalidToken = error.reason else {
            Issue.record("expected the bad token to be refused, got \(result)")
            return
        }
    }

    @Test("a loopback call that looks like a browser page is FORBIDDEN with the guard's reason, not anonymous")
    func loopbackOperatorRefused() throws {
        let headers = HTTPHeaders([
            ("Host", "127.0.0.1:4000"), ("Origin", "http://evil.example"),
            ("Content-Type", "text/plain"), ("Sec-Fetch-Site", "cross-site"),
        ])
        let route = IdentifiedRoute.admin(method: "POST", body: Array(#"{"tenant_id":"demo"}"#.utf8))
        for authenticator in [try authenticator(loopbackOperator: true), try Fixture.jwtAuthenticator(loopbackOperator: true)] {
            let result = authenticator.identify(headers: headers, peerIsLoopback: true, route: route, now: TokenFactory.now)
            #expect(result == .failure(IdentityError(.loopbackOperatorRefused(.originNotAllowed("http://evil.example")))))
            guard case .failure(let error) = result else { continue }
            #expect(error.code == .forbidden)
            #expect(error.message == "loopback operator refused: Origin http://evil.example is not an allowed loopback origin")
        }
        // With the operator off, or from another peer, the same call is simply unauthenticated.
        let off = try authenticator(loopbackOperator: false)
        #expect(off.identify(headers: headers, peerIsLoopback: true, route: route) == .failure(IdentityError(.missingCredentials)))
    }

    @Test("real credentials are not judged by the loopback guard: a headers identity with a cross-site Origin and Host")
    func credentialsSkipTheGuard() throws {
        let headers = HTTPHeaders([
            ("Host", "evil.example"), ("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site"),
            ("X-Tenant", "ops"), ("X-User-Id", "alice"), ("X-Roles", "finance_admin"),
        ])
        let identity = try authenticator(loopbackOperator: true)
            .identify(headers: headers, peerIsLoopback: true, route: .admin(method: "POST", body: []), now: TokenFactory.now).get()
        #expect(identity.subject == "alice")
        #expect(identity.source == .headers)
    }

    @Test("configured origins reach the guard: admin.loopback_allowed_origins lets that page's JSON through")
    func configuredOriginThroughAuthenticator() throws {
        let authenticator = try Authenticator(configuration: IdentityConfiguration(
            mode: .headers, loopbackOperator: true, loopbackAllowedOrigins: ["http://localhost:3000"]))
        let headers = HTTPHeaders([
            ("Host", "localhost:4000"), ("Origin", "http://localhost:3000"), ("Sec-Fetch-Site", "same-site"),
            ("Content-Type", "application/json"),
        ])
        let route = IdentifiedRoute.admin(method: "POST", body: Array("{}".utf8))
        #expect(try authenticator.identify(headers: headers, peerIsLoopback: true, route: route).get() == .loopbackOperator)
    }

    @Test("headers mode ignores a bearer token; jwt mode ignores X-User-Id and X-Roles")
    func modesAreSeparate() throws {
        let headersMode = try authenticator()
        let token = TokenFactory.hs256(TokenFactory.claims(sub: "from-token", roles: ["admin"]))
        let spoofed = HTTPHeaders([("Authorization", "Bearer " + token), ("X-Tenant", "demo"), ("X-User-Id", "from-header"), ("X-Roles", "finance_admin")])
        #expect(try Fixture.identify(headersMode, spoofed).get().subject == "from-header")
        let jwtMode = try Fixture.jwtAuthenticator()
        let identity = try Fixture.identify(jwtMode, spoofed).get()
        #expect(identity.subject == "from-token")
        #expect(identity.roles == ["admin"])
    }
}
