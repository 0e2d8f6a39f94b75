import ApprovalPolicy
import Foundation
import Synchronization
import Testing
import TestSupport

/// OPAClient against OPA's REST data API. The good path talks to scripts/opa-rest.py: a
/// stand-in for the OPA server (no opa binary exists on this machine) that runs the real
/// Rego engine, regorus, on policies/approval.rego. The failures use plain sockets.
@Suite struct OPAClientTests {
    static func client(port: Int, timeoutMilliseconds: Int = 5_000) throws -> OPAClient {
        try OPAClient(configuration: OPAClientConfiguration(host: "127.0.0.1", port: port, timeoutMilliseconds: timeoutMilliseconds))
    }

    /// Every case of the conformance table, asked over HTTP: OPA's answer equals the
    /// in-process rules and the table (so the Swift → JSON input mapping is right too).
    @Test func decisionsOverOPAsRESTAPIMatchTheInProcessRules() async throws {
        let server = try await offPool { try OPARestServer.start() }
        defer { server.stop() }
        let client = try Self.client(port: server.port)
        defer { client.shutdown() }
        let cases = try ConformanceTable.load()
        for testCase in cases {
            let input = try PolicyInput(regoInput: testCase.input)
            let remote = try await client.evaluate(input)
            let local = ApprovalRules.evaluate(input)
            let expected = try CaseDecisions(json: testCase.expect)
            #expect(remote == local, "\(testCase.id): OPA \(remote), in process \(local)")
            #expect(CaseDecisions(remote) == expected.withoutApprovers, "\(testCase.id): OPA \(remote), table \(expected)")
        }
    }

    @Test func remoteEvaluatorUsesOPAWhenItAnswers() async throws {
        let server = try await offPool { try OPARestServer.start() }
        defer { server.stop() }
        let client = try Self.client(port: server.port)
        defer { client.shutdown() }
        let failures = Mutex(0)
        let evaluator: any PolicyEvaluator = RemotePolicyEvaluator(client: client, failMode: .closed) { _ in failures.withLock { $0 += 1 } }
        let decision = try await evaluator.evaluate(PolicyInput(tenant: "acme", requester: "alice", riskTags: ["purge"]))
        #expect(decision == PolicyDecision(requiresFourEyes: true, reasons: ["risk_tag:purge"]))
        #expect(failures.withLock { $0 } == 0)
    }

    @Test func serverDownIsAConnectionError() async throws {
        // A port that was free a moment ago: nothing listens, connect is refused.
        let client = try Self.client(port: Ports.free())
        defer { client.shutdown() }
        await #expect {
            try await client.evaluate(PolicyInput(tenant: "acme", requester: "alice"))
        } throws: { error in
            guard case .connection = error as? OPAError else { return false }
            return true
        }
    }

    @Test func silentServerIsATimeout() async throws {
        // Listens (so connect succeeds) but never accepts or answers.
        let silent = try CannedHTTPServer(answer: nil)
        defer { silent.stop() }
        let client = try Self.client(port: silent.port, timeoutMilliseconds: 300)
        defer { client.shutdown() }
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: OPAError.timeout(milliseconds: 300)) {
            try await client.evaluate(PolicyInput(tenant: "acme", requester: "alice"))
        }
        // It waited for the timeout (and returned at all: the server never would have).
        #expect(clock.now - started >= .milliseconds(300))
    }

    @Test func status500IsABadStatus() async throws {
        let failing = try CannedHTTPServer(answer: CannedHTTPServer.answer(
            status: "500 Internal Server Error", contentType: "application/json",
            body: #"{"code":"internal_error","message":"eval_conflict_error: complete rules must not produce multiple outputs"}"#))
        defer { failing.stop() }
        let client = try Self.client(port: failing.port)
        defer { client.shutdown() }
        await #expect(throws: OPAError.badStatus(500)) {
            try await client.evaluate(PolicyInput(tenant: "acme", requester: "alice"))
        }
    }

    @Test func nonJSONAnswerIsBadJSON() async throws {
        let proxyPage = try CannedHTTPServer(answer: CannedHTTPServer.answer(
            status: "200 OK", contentType: "text/html", body: "<html><body>Welcome to nginx!</body></html>"))
        defer { proxyPage.stop() }
        let client = try Self.client(port: proxyPage.port)
        defer { client.shutdown() }
        await #expect {
            try await client.evaluate(PolicyInput(tenant: "acme", requester: "alice"))
        } throws: { error in
            (error as? OPAError)?.isBadJSON == true
        }
    }

    @Test func failClosedThrowsSoTheCallerCanAnswer503() async throws {
        let client = try Self.client(port: Ports.free())
        defer { client.shutdown() }
        let failures = Mutex(0)
        let evaluator = RemotePolicyEvaluator(client: client, failMode: .closed) { _ in failures.withLock { $0 += 1 } }
        await #expect {
            try await evaluator.evaluate(PolicyInput(tenant: "acme", requester: "alice"))
        } throws: { error in
            error is OPAError
        }
        #expect(failures.withLock { $0 } == 1)
    }

    @Test func failOpenFallsBackToTheInProcessRules() async throws {
        let client = try Self.client(port: Ports.free())
        defer { client.shutdown() }
        let failures = Mutex(0)
        let evaluator = RemotePolicyEvaluator(client: client, failMode: .open) { _ in failures.withLock { $0 += 1 } }
        let input = PolicyInput(tenant: "acme", requester: "alice", estimateMicros: 7_000_000, targetTenants: ["globex"])
        #expect(try await evaluator.evaluate(input) == ApprovalRules.evaluate(input))
        #expect(try await evaluator.evaluate(input).reasons == ["cross_tenant", "estimate_over_limit"])
        #expect(failures.withLock { $0 } == 2)
    }

    @Test func inProcessEvaluatorIsTheRules() async throws {
        let input = PolicyInput(tenant: "acme", requester: "alice", tokens: 50_001)
        #expect(try await InProcessPolicyEvaluator().evaluate(input) == ApprovalRules.evaluate(input))
    }
}

extension CaseDecisions {
    /// The table's expectation without the approver rules (OPAClient asks only for the
    /// four-eyes decision).
    var withoutApprovers: CaseDecisions {
        var copy = self
        copy.validApprover = nil
        copy.approved = nil
        return copy
    }
}
