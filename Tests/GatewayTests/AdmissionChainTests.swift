import Config
import Gateway
import Crypto
import Identity
import Testing
import TestSupport

/// The identify → parse → declare chain, built from a real configuration,
/// in front of a scripted upstream, over real sockets.
@Suite("Gateway: identify, parse and @budget steps")
struct AdmissionChainTests {
    static let schema = Binaries.repositoryRoot + "/Tests/GatewayTests/Fixtures/undeclared.graphql"

    static func harness(_ identityYAML: String = "identity:\n  mode: headers\n", upstream: ScriptedUpstream = ScriptedUpstream()) throws -> GatewayHarness {
        let yaml = identityYAML + "schema:\n  path: \(schema)\n"
        let config = try SafemutConfig.parse(yaml: yaml, environment: [:], cpuCount: 2, source: "test.yaml")
        return try GatewayHarness(upstreamHandler: upstream, pipeline: ConfiguredPipeline(config).pipeline)
    }

    static func post(_ port: Int, _ body: String, headers: String = "X-Tenant: demo\r\nX-User-Id: alice\r\n") throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        return try client.readResponse()
    }

    @Test("a declared mutation passes the chain and reaches the upstream")
    func declaredPasses() throws {
        let upstream = ScriptedUpstream()
        let harness = try Self.harness(upstream: upstream)
        let response = try Self.post(harness.port, #"{"query":"mutation { declared(name: \"x\") }"}"#)
        #expect(response.status == 200, "\(response.text)")
        #expect(upstream.seen.load(ordering: .relaxed) == 1)
    }

    @Test("a mutation field without @budget is 403 BUDGET_DECLARATION_MISSING naming the field")
    func undeclared() throws {
        let upstream = ScriptedUpstream()
        let harness = try Self.harness(upstream: upstream)
        let response = try Self.post(harness.port, #"{"query":"mutation { declared(name: \"x\") undeclared }"}"#)
        #expect(response.status == 403)
        #expect(response.text.contains(#""code":"BUDGET_DECLARATION_MISSING""#))
        #expect(response.text.contains(#""field":"undeclared""#))
        #expect(upstream.seen.load(ordering: .relaxed) == 0)
    }

    @Test("an unknown mutation field is 400 BAD_REQUEST")
    func unknownField() throws {
        let harness = try Self.harness()
        let response = try Self.post(harness.port, #"{"query":"mutation { nope }"}"#)
        #expect(response.status == 400)
        #expect(response.text.contains("BAD_REQUEST"))
    }

    @Test("malformed JSON is 400 BAD_REQUEST")
    func badJSON() throws {
        let harness = try Self.harness()
        let response = try Self.post(harness.port, #"{"query": "#)
        #expect(response.status == 400)
        #expect(response.text.contains("BAD_REQUEST"))
    }

    @Test("a GraphQL syntax error is 400 with line and column")
    func syntaxError() throws {
        let harness = try Self.harness()
        let response = try Self.post(harness.port, #"{"query":"mutation { declared(name: }"}"#)
        #expect(response.status == 400)
        #expect(response.text.contains("1:"))
    }

    @Test("a batched array of operations is refused clearly")
    func batch() throws {
        let harness = try Self.harness()
        let response = try Self.post(harness.port, #"[{"query":"mutation { declared(name: \"a\") }"},{"query":"mutation { declared(name: \"b\") }"}]"#)
        #expect(response.status == 400)
        #expect(response.text.lowercased().contains("batch"))
    }

    @Test("a mutation over GET is 405 with Allow: POST")
    func mutationOverGET() throws {
        let harness = try Self.harness()
        let client = try RawHTTPClient(port: harness.port)
        try client.send("GET /graphql?query=mutation%20%7B%20declared(name%3A%20%22x%22)%20%7D HTTP/1.1\r\nHost: gw\r\nX-Tenant: demo\r\nX-User-Id: a\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 405)
        #expect(response.head.headers["Allow"] == "POST")
    }

    @Test("headers mode without X-Tenant is 401 UNAUTHENTICATED")
    func noTenant() throws {
        let harness = try Self.harness()
        let response = try Self.post(harness.port, #"{"query":"{ health }"}"#, headers: "X-User-Id: alice\r\n")
        #expect(response.status == 401)
        #expect(response.text.contains("UNAUTHENTICATED"))
    }

    @Test("jwt mode: a valid HS256 token passes, a forged one is 401, a disagreeing X-Tenant is 403")
    func jwt() throws {
        let secretPath = NSTemporaryDirectory() + "hs256-\(UInt32.random(in: 0...UInt32.max)).key"
        let secret = String(repeating: "k", count: 40)
        try secret.write(toFile: secretPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: secretPath) }
        let harness = try Self.harness("identity:\n  mode: jwt\n  hs256_secret_file: \(secretPath)\n")
        let now = Int(Date().timeIntervalSince1970)
        func token(key: String, tenant: String) -> String {
            let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
            let claims = Base64URL.encode(Array(#"{"sub":"alice","tenant":"\#(tenant)","roles":["analyst"],"exp":\#(now + 300)}"#.utf8))
            let signature = HMACSHA256.authenticationCode(key: Array(key.utf8), message: Array("\(header).\(claims)".utf8))
            return "\(header).\(claims).\(Base64URL.encode(signature))"
        }
        let body = #"{"query":"mutation { declared(name: \"x\") }"}"#
        let good = try Self.post(harness.port, body, headers: "Authorization: Bearer \(token(key: secret, tenant: "demo"))\r\n")
        #expect(good.status == 200, "\(good.text)")
        let forged = try Self.post(harness.port, body, headers: "Authorization: Bearer \(token(key: "not-the-secret-not-the-secret-not-the", tenant: "demo"))\r\n")
        #expect(forged.status == 401)
        let mismatch = try Self.post(
            harness.port, body, headers: "Authorization: Bearer \(token(key: secret, tenant: "demo"))\r\nX-Tenant: test\r\n")
        #expect(mismatch.status == 403)
        #expect(mismatch.text.contains("FORBIDDEN"))
    }
}

import Foundation
