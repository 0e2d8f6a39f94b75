import Contract
@testable import Admission
import Config
import Foundation
import GraphQLAnalysis
import HTTP
import Identity
import Logging
import Testing
import TestSupport
@testable import RateLimit

/// `RateLimitStep` with a typed context, against real Redis.
@Suite("The rate admission step")
struct StepTests {
    static func context(tenant: String?, kind: OperationKind, fields: [String], operationName: String? = nil) -> RequestContext {
        var context = RequestContext(
            requestID: "req-1", head: HTTPRequestHead(method: "POST", target: "/graphql"), body: [], peer: "127.0.0.1",
            logger: Harness.quiet, startNanos: 0)
        context.identity = tenant.map { Identity(subject: "u", tenant: $0, roles: [], source: .headers) }
        context.operation = OperationAnalysis(
            kind: kind, name: operationName, rootFields: fields.map { RootField(name: $0) }, depth: 1, aliasCount: 0,
            isIntrospection: false, documentHash: String(repeating: "0", count: 64))
        return context
    }

    @Test("a query passes without a Redis call")
    func queryPasses() async throws {
        let server = try await offPool { try RedisServer.start() }
        let redis = try await Harness.redis(server)
        server.stop()
        let (limiter, metrics) = Harness.limiter(redis, Harness.config(failMode: .closed))
        var context = Self.context(tenant: "demo", kind: .query, fields: ["entities"])
        #expect(await RateLimitStep(limiter: limiter).admit(&context) == .continue)
        #expect(metrics.count("rate_limit_checks_total", [("outcome", "fail_closed")]) == 0, "Redis (down) was never asked")
    }

    @Test("an empty bucket is 429 RATE_LIMITED with Retry-After and the bucket in the details")
    func limited() async throws {
        let redis = try await Harness.redis()
        let tenant = Harness.tenant()
        let (limiter, _) = Harness.limiter(redis, Harness.config(tenantBurst: 10, operationBurst: 1, operationRate: "0.001"))
        let step = RateLimitStep(limiter: limiter)
        var first = Self.context(tenant: tenant, kind: .mutation, fields: ["createEntity"], operationName: "A")
        #expect(await step.admit(&first) == .continue)
        // Renaming the operation does not reach a fresh bucket: buckets follow root fields.
        var renamed = Self.context(tenant: tenant, kind: .mutation, fields: ["createEntity"], operationName: "B")
        guard case .reject(let rejection) = await step.admit(&renamed) else {
            Issue.record("the second createEntity must be limited")
            return
        }
        #expect(rejection.code == .rateLimited)
        #expect(rejection.status == 429)
        // One token at 0.001/s: 1000 s, less what refilled since the first call.
        let retryAfter = try #require(rejection.headers.first { $0.0 == "Retry-After" }.flatMap { Int64($0.1) })
        #expect(retryAfter > 900 && retryAfter <= 1_000)
        let details = Dictionary(rejection.details, uniquingKeysWith: { a, _ in a })
        #expect(details["scope"] == .string("operation"))
        #expect(details["field"] == .string("createEntity"))
        #expect(details["limit"] == .int(1))
        #expect(details["ratePerSecond"] == .string("0.001"))
        #expect(details["retryAfterSeconds"] == .int(retryAfter))
    }

    @Test("Redis down with fail_mode closed is 503 DEPENDENCY_UNAVAILABLE; open admits")
    func failModes() async throws {
        let server = try await offPool { try RedisServer.start() }
        let redis = try await Harness.redis(server)
        server.stop()
        let (limiter, _) = Harness.limiter(redis, Harness.config(failMode: .closed))
        let step = RateLimitStep(limiter: limiter)
        var context = Self.context(tenant: "demo", kind: .mutation, fields: ["createEntity"])
        guard case .reject(let rejection) = await step.admit(&context) else {
            Issue.record("closed must refuse")
            return
        }
        #expect(rejection.code == .dependencyUnavailable)
        #expect(rejection.status == 503)
        limiter.update(Harness.config(failMode: .open))
        #expect(await step.admit(&context) == .continue)
    }

    @Test("a mutation without an identity is refused, not counted against anyone")
    func noIdentity() async throws {
        let redis = try await Harness.redis()
        let (limiter, metrics) = Harness.limiter(redis, Harness.config())
        var context = Self.context(tenant: nil, kind: .mutation, fields: ["createEntity"])
        guard case .reject(let rejection) = await RateLimitStep(limiter: limiter).admit(&context) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.code == .unauthenticated)
        #expect(metrics.count("rate_limit_checks_total", [("outcome", "allowed")]) == 0)
    }
}
