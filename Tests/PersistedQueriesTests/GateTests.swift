import Foundation
import Logging
import Synchronization
import Testing
@testable import PersistedQueries

/// The live gate: runtime switches, counters, the bounded violation log, lazy normalization.
@Suite("Persisted query gate")
struct GateTests {
    static let listedBody = "query Listed { a }"
    static let listed = try! ManifestOperation(name: "Listed", type: .query, body: listedBody)

    /// Violations are logged at warning; these tests make thousands of them.
    let quiet = Logger(label: "test.pq", factory: { _ in SwiftLogNoOpLogHandler() })

    func gate(_ policy: PersistedQueryPolicy, capacity: Int = 100) -> PersistedQueryGate {
        let snapshot = AllowlistSnapshot(version: 1, entries: [Self.listed.id: Self.listed.normalizedHash], bodies: [Self.listed.id: Self.listedBody])
        return PersistedQueryGate(
            policy: policy, allowlist: snapshot, violationCapacity: capacity, logger: quiet,
            now: { Date(timeIntervalSince1970: 1_700_000_000) })
    }

    func request(_ body: String, tenant: String? = "demo", name: String? = nil) -> PersistedQueryRequest {
        PersistedQueryRequest(tenant: tenant, exactHash: DocumentHash.exact(body), operationName: name)
    }

    @Test func exactHitSkipsNormalization() {
        let gate = gate(PersistedQueryPolicy(phase: .enforce))
        var normalized = 0
        let decision = gate.check(request(Self.listedBody)) {
            normalized += 1
            return nil
        }
        #expect(decision == .allow(.listed))
        #expect(normalized == 0)
    }

    @Test func driftedDocumentMatchesOnItsNormalizedHash() throws {
        let gate = gate(PersistedQueryPolicy(phase: .enforce))
        let drifted = "# reformatted by a tool\nquery Listed {\n  a\n}\n"
        let decision = gate.check(request(drifted)) { try? DocumentNormalizer.normalizedHash(source: drifted) }
        #expect(decision == .allow(.listed))
        let changed = "query Listed { a b }"
        let refused = gate.check(request(changed)) { try? DocumentNormalizer.normalizedHash(source: changed) }
        guard case .reject(.notAllowed, _, _) = refused else {
            Issue.record("a changed document passed: \(refused)")
            return
        }
    }

    @Test func phaseSwitchesAtRunTime() {
        let gate = gate(PersistedQueryPolicy(phase: .log, bypass: false, introspectionAllowed: true))
        let unknown = request("query Unknown { x }")
        guard case .allowLogged = gate.check(unknown, normalizedHash: { nil }) else {
            Issue.record("log phase should let it through")
            return
        }
        let (old, new) = gate.updatePolicy { $0.phase = .enforce }
        #expect(old.phase == .log && new.phase == .enforce)
        guard case .reject(.notAllowed, _, _) = gate.check(unknown, normalizedHash: { nil }) else {
            Issue.record("enforce phase should refuse it")
            return
        }
        gate.updatePolicy { $0.bypass = true }
        #expect(gate.check(unknown, normalizedHash: { nil }) == .allow(.bypass))
        gate.updatePolicy { $0.introspectionAllowed = false }
        let introspection = PersistedQueryRequest(exactHash: DocumentHash.exact("{ __schema { types { name } } }"), introspection: .only)
        guard case .reject(.introspectionDisabled, _, _) = gate.check(introspection, normalizedHash: { nil }) else {
            Issue.record("introspection must be refused even under bypass")
            return
        }
        gate.updatePolicy { $0.tenantPhases["canary"] = .enforce }
        #expect(gate.policy.tenantPhases == ["canary": .enforce])
    }

    @Test func countersByOutcome() {
        let gate = gate(PersistedQueryPolicy(phase: .log, tenantPhases: ["canary": .enforce]))
        _ = gate.check(request(Self.listedBody), normalizedHash: { nil })                      // hit
        _ = gate.check(request("query U { u }"), normalizedHash: { nil })                      // log violation
        _ = gate.check(request("query U { u }", tenant: "canary"), normalizedHash: { nil })    // enforce violation
        _ = gate.check(PersistedQueryRequest(exactHash: nil, apqHash: String(repeating: "0", count: 64)), normalizedHash: { nil })  // not found
        let counters = gate.counters
        #expect(counters.checks == 4)
        #expect(counters.hits == 1)
        #expect(counters.violations[.log] == 1)
        #expect(counters.violations[.enforce] == 1)
        #expect(counters.rejections[.notAllowed] == 1)
        #expect(counters.rejections[.notFound] == 1)
        #expect(counters.rejections[.badRequest] == 0)
    }

    @Test func violationLogIsBoundedAndNewestFirst() {
        let gate = gate(PersistedQueryPolicy(phase: .log), capacity: 3)
        for index in 0..<5 {
            _ = gate.check(request("query Q\(index) { q }", name: "Q\(index)"), normalizedHash: { nil })
        }
        let recent = gate.recentViolations()
        #expect(recent.map(\.operationName) == ["Q4", "Q3", "Q2"])
        #expect(recent.allSatisfy { $0.phase == .log && !$0.rejected && $0.tenant == "demo" })
        #expect(recent.first?.hash == DocumentHash.exact("query Q4 { q }"))
        #expect(gate.counters.violations[.log] == 5)
    }

    @Test func violationLogCutsClientStrings() {
        let gate = gate(PersistedQueryPolicy(phase: .enforce))
        let long = String(repeating: "x", count: 10_000)
        _ = gate.check(request("query L { l }", tenant: long, name: long), normalizedHash: { nil })
        let recorded = gate.recentViolations()
        #expect(recorded.count == 1)
        #expect(recorded.first?.tenant?.count == ViolationLog.maxFieldLength)
        #expect(recorded.first?.operationName?.count == ViolationLog.maxFieldLength)
        #expect(recorded.first?.rejected == true)
    }

    @Test func reportGathersPolicyCountAndViolations() {
        let gate = gate(PersistedQueryPolicy(phase: .log, bypass: false, introspectionAllowed: false, tenantPhases: ["demo": .enforce]))
        _ = gate.check(request("query V { v }", name: "V"), normalizedHash: { nil })
        let report = gate.report()
        #expect(report.policy == PersistedQueryPolicy(phase: .log, bypass: false, introspectionAllowed: false, tenantPhases: ["demo": .enforce]))
        #expect(report.allowlistCount == 1)
        #expect(report.recentViolations.map(\.operationName) == ["V"])
        #expect(report.recentViolations.first?.rejected == true)
        #expect(report.recentViolations.first?.time == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(report.counters.violations[.enforce] == 1)
    }

    @Test func apqHashOnlyIsServedFromTheAllowlist() {
        let gate = gate(PersistedQueryPolicy(phase: .enforce))
        #expect(gate.body(forAPQHash: Self.listed.id) == Self.listedBody)
        #expect(gate.body(forAPQHash: Self.listed.id.uppercased()) == Self.listedBody)
        #expect(gate.body(forAPQHash: String(repeating: "0", count: 64)) == nil)
        #expect(gate.allowlistCount == 1)
    }

    @Test func concurrentChecksCountEveryRequest() async {
        let gate = gate(PersistedQueryPolicy(phase: .log))
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<500 {
                        let body = index.isMultiple(of: 2) ? Self.listedBody : "query W\(worker) { w }"
                        _ = gate.check(PersistedQueryRequest(exactHash: DocumentHash.exact(body)), normalizedHash: { nil })
                    }
                }
            }
        }
        let counters = gate.counters
        #expect(counters.checks == 4_000)
        #expect(counters.hits == 2_000)
        #expect(counters.violations[.log] == 2_000)
        #expect(gate.recentViolations().count == 100)
    }
}
