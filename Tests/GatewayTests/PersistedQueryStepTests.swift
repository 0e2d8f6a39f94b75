import GraphQLAnalysis
import HTTP
import Crypto
import Identity
import Kit
import Logging
import PersistedQueries
import Testing
import Contract
@testable import Admin
@testable import Admission

/// The parse and allowlist steps as pure functions of a request context and a fixed allowlist.
@Suite("Admission: APQ substitution and the allowlist step")
struct PersistedQueryStepTests {
    static let document = "query Health { health }"
    static let hash = SHA256Digest.hex(Array(document.utf8))
    static let allowlist = AllowlistSnapshot(entries: [hash: nil], bodies: [hash: document])

    static func context(method: String = "POST", target: String = "/graphql", body: String = "", tenant: String? = nil) -> RequestContext {
        var context = RequestContext(
            requestID: "r", head: HTTPRequestHead(method: method, target: target), body: Array(body.utf8),
            peer: "127.0.0.1", logger: Logger(label: "test"), startNanos: 0)
        if let tenant { context.identity = Identity(subject: "u", tenant: tenant, roles: [], source: .headers) }
        return context
    }

    static let parse = ParseStep(cache: DocumentCache(), limits: .default, persistedBody: { allowlist.body(forHash: $0) })

    @Test("a POST with only the APQ hash gets the allowlist's document, in the forwarded body too")
    func apqPost() async throws {
        var context = Self.context(body: #"{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"\#(Self.hash)"}},"variables":{"a":1}}"#)
        #expect(await Self.parse.admit(&context) == .continue)
        #expect(context.operation?.name == "Health")
        let forwarded = try RequestParser.parsePOST(body: context.body)
        #expect(forwarded.query == Self.document)
        #expect(forwarded.persistedQueryHash == Self.hash)
        #expect(forwarded.variables == .object([JSONMember("a", .number("1"))]))
    }

    @Test("a GET with only the APQ hash gets query= appended, percent-encoded so it parses back")
    func apqGet() async throws {
        let extensions = #"%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash%22%3A%22\#(Self.hash)%22%7D%7D"#
        var context = Self.context(method: "GET", target: "/graphql?extensions=\(extensions)")
        #expect(await Self.parse.admit(&context) == .continue)
        #expect(context.head.target.contains("&query=query%20Health%20%7B%20health%20%7D"))
        let forwarded = try RequestParser.parseGET(query: context.head.query ?? "")
        #expect(forwarded.query == Self.document)
    }

    @Test("an unknown APQ hash is PERSISTED_QUERY_NOT_FOUND with Apollo's message and status 200")
    func apqUnknown() async {
        var context = Self.context(body: #"{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"\#(String(repeating: "0", count: 64))"}}}"#)
        guard case .reject(let rejection) = await Self.parse.admit(&context) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.code == .persistedQueryNotFound)
        #expect(rejection.status == 200)
        #expect(rejection.message == "PersistedQueryNotFound")
    }

    static func decide(_ query: String, phase: AllowlistPhase, tenant: String? = nil, tenantPhases: [String: AllowlistPhase] = [:]) async -> StepOutcome {
        let normalized = try! DocumentNormalizer.normalizedHash(source: document)
        let lookup = AllowlistSnapshot(entries: [hash: normalized], bodies: [hash: document])
        let gate = PersistedQueryGate(policy: PersistedQueryPolicy(phase: phase, tenantPhases: tenantPhases), allowlist: lookup)
        let step = PersistedQueryStep(allowlist: gate)
        let body = String(decoding: JSONValue.object([JSONMember("query", .string(query))]).serialized.utf8, as: UTF8.self)
        var context = Self.context(body: body, tenant: tenant)
        guard await Self.parse.admit(&context) == .continue else { return .reject(Rejection(.badRequest, "parse failed")) }
        return await step.admit(&context)
    }

    @Test("enforce: listed passes, drifted (normalized match) passes, changed is PERSISTED_QUERY_NOT_ALLOWED 403")
    func enforce() async {
        #expect(await Self.decide(Self.document, phase: .enforce) == .continue)
        #expect(await Self.decide("# moved\nquery Health {\n  health\n}", phase: .enforce) == .continue)
        guard case .reject(let rejection) = await Self.decide("query Health { health __typename }", phase: .enforce) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.code == .persistedQueryNotAllowed)
        #expect(rejection.status == 403)
    }

    @Test("log lets an unlisted document through; a tenant's own enforce phase refuses it for that tenant only")
    func tenantPhase() async {
        let unlisted = "query Other { health }"
        #expect(await Self.decide(unlisted, phase: .log) == .continue)
        #expect(await Self.decide(unlisted, phase: .log, tenant: "demo", tenantPhases: ["canary": .enforce]) == .continue)
        if case .continue = await Self.decide(unlisted, phase: .log, tenant: "canary", tenantPhases: ["canary": .enforce]) {
            Issue.record("the canary tenant's enforce phase was ignored")
        }
    }

    @Test("admin query strings: percent escapes and + decode; a broken escape is refused")
    func adminQuery() {
        #expect(AdminQuery.parse("since=2026-11-01T00%3A00%3A00Z&status=pending") == ["since": "2026-11-01T00:00:00Z", "status": "pending"])
        #expect(AdminQuery.parse("note=a+b") == ["note": "a b"])
        #expect(AdminQuery.parse("x=%zz") == nil)
        #expect(AdminQuery.parse(nil) == [:])
    }

    @Test("admin templates bind {name} segments and match nothing else")
    func templates() {
        let endpoint = AdminEndpoint("POST", "/admin/approvals/{id}/approve") { _ in AdminReply(json: .null) }
        #expect(endpoint.match("/admin/approvals/42/approve") == ["id": "42"])
        #expect(endpoint.match("/admin/approvals//approve") == nil)
        #expect(endpoint.match("/admin/approvals/42") == nil)
    }
}
