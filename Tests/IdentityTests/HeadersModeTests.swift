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
            let identity = try authenticator.identify(headers: HTTPHeaders(), peerIsLoopback: true, isAdminRoute: true, now: TokenFactory.now).get()
            #expect(identity.subject == "local-operator")
            #expect(identity.roles == ["admin", "finance_admin"])
            #expect(identity.source == .loopbackOperator)
        }
    }

    @Test("loopback operator only when enabled, from loopback, on an admin route, with nothing presented")
    func loopbackOperatorLimits() throws {
        let enabled = try authenticator(loopbackOperator: true)
        let disabled = try authenticator(loopbackOperator: false)
        let none = HTTPHeaders()
        #expect(disabled.identify(headers: none, peerIsLoopback: true, isAdminRoute: true) == .failure(IdentityError(.missingCredentials)))
        #expect(enabled.identify(headers: none, peerIsLoopback: false, isAdminRoute: true) == .failure(IdentityError(.missingCredentials)))
        #expect(enabled.identify(headers: none, peerIsLoopback: true, isAdminRoute: false) == .failure(IdentityError(.missingCredentials)))
        // Incomplete headers are an attempt that failed, not an absence.
        #expect(enabled.identify(headers: HTTPHeaders([("X-Tenant", "demo")]), peerIsLoopback: true, isAdminRoute: true)
            == .failure(IdentityError(.missingHeader("X-User-Id"))))
        // A bad token from loopback stays refused.
        let jwt = try Fixture.jwtAuthenticator(loopbackOperator: true)
        let result = jwt.identify(headers: Fixture.bearer("a.b.c"), peerIsLoopback: true, isAdminRoute: true, now: TokenFactory.now)
        guard case .failure(let error) = result, case .invalidToken = error.reason else {
            Issue.record("expected the bad token to be refused, got \(result)")
            return
        }
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
