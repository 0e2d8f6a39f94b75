import BudgetAdmin
import Config
import GraphQLAnalysis
import Kit
import Postgres
import Testing
import TestSupport

/// `safemut compensate` against a real `intelgraph-demo`: the compensations are the ones the
/// demo itself reported for real mutations.
@Suite("compensation replay")
struct CompensationReplayTests {
    /// Two real mutations on the demo, in tenant demo: one entity created, another created
    /// and deleted; logs the create's compensation (a delete-inverse, 20 s old) and the
    /// delete's (an undelete, 10 s old). Returns both entity ids and both rows.
    static func createdAndDeleted(
        _ h: BudgetHarness, _ demo: DemoUpstream
    ) async throws -> (created: (id: String, compensation: JSONValue), doomed: (id: String, compensation: JSONValue), createRow: String, deleteRow: String) {
        let created = try await demo.createEntity("rollback-test", tenant: "demo")
        let doomed = try await demo.createEntity("to-delete", tenant: "demo")
        let undelete = try await demo.deleteEntity(doomed.id, tenant: "demo")
        let createRow = try await h.logCompensation(created.compensation, tenant: "demo", operation: "CreateEntity", ageSeconds: 20)
        let deleteRow = try await h.logCompensation(undelete, tenant: "demo", operation: "DeleteEntity", ageSeconds: 10)
        return (created, doomed, createRow, deleteRow)
    }

    @Test("dry run: lists newest first, says what would be refused, sends and changes nothing")
    func dryRun() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let demo = try DemoUpstream()
        defer { demo.stop() }
        let (created, doomed, older, newer) = try await Self.createdAndDeleted(h, demo)

        let reports = Reports()
        let summary = try await h.replayer(demo.endpoint).run(last: 10, tenant: nil, dryRun: true, approveDestructive: false, report: reports.add)
        #expect(summary.read == 2)
        #expect(reports.all.map(\.0) == [newer, older])
        #expect(reports.all.map(\.1.label) == ["would replay", "refused"])
        #expect(summary.hasProblems)
        #expect(try await h.compensationStatus(older).status == "pending")
        #expect(try await h.compensationStatus(newer).status == "pending")
        #expect(try await demo.exists(created.id, tenant: "demo"))
        #expect(try await !demo.exists(doomed.id, tenant: "demo"))
        #expect(try await h.audit("compensation.replay").isEmpty)
    }

    @Test("without --approve-destructive the delete-inverse is refused and stays pending; the undelete is replayed and audited")
    func destructiveRefused() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let demo = try DemoUpstream()
        defer { demo.stop() }
        let (created, doomed, createRow, deleteRow) = try await Self.createdAndDeleted(h, demo)

        let reports = Reports()
        let summary = try await h.replayer(demo.endpoint).run(last: 10, tenant: nil, dryRun: false, approveDestructive: false, report: reports.add)
        #expect(reports.all.map(\.1.label) == ["replayed", "refused"])
        #expect(summary.hasProblems)
        #expect(try await h.compensationStatus(deleteRow).status == "replayed")
        #expect(try await h.compensationStatus(createRow).status == "pending")
        #expect(try await demo.exists(doomed.id, tenant: "demo"), "the undelete recreated the entity under its old id")
        #expect(try await demo.exists(created.id, tenant: "demo"), "the refused delete-inverse was not sent")
        let audit = try await h.audit("compensation.replay")
        #expect(audit.count == 1)
        #expect(audit.first?.tenant == "demo")
        #expect(audit.first?.actor == "cli:test")
        #expect(audit.first?.reason == "rollback-compensation")
        #expect(audit.first?.details["compensation_id"]?.stringValue == deleteRow)
        #expect(audit.first?.details["outcome"]?.stringValue == "replayed")
        #expect(audit.first?.details["destructive"] == .bool(false))
        #expect(audit.first?.details["http_status"]?.int64Value == 200)
    }

    @Test("with --approve-destructive the delete-inverse is replayed; a re-run finds nothing pending")
    func approvedDestructive() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let demo = try DemoUpstream()
        defer { demo.stop() }
        let created = try await demo.createEntity("rollback-test", tenant: "test")
        let row = try await h.logCompensation(created.compensation, tenant: "test", operation: "CreateEntity", ageSeconds: 1)
        let replayer = try h.replayer(demo.endpoint)
        let summary = try await replayer.run(last: 50, tenant: nil, dryRun: false, approveDestructive: true, report: { _, _ in })
        #expect(summary.outcomes == ["replayed": 1])
        #expect(!summary.hasProblems)
        #expect(try await h.compensationStatus(row).status == "replayed")
        #expect(try await !demo.exists(created.id, tenant: "test"))
        let audit = try await h.audit("compensation.replay")
        #expect(audit.first?.details["destructive"] == .bool(true))
        #expect(audit.first?.details["idempotency_key"]?.stringValue == row)

        let again = try await replayer.run(last: 50, tenant: nil, dryRun: false, approveDestructive: true, report: { _, _ in })
        #expect(again.read == 0)
        #expect(try await h.audit("compensation.replay").count == 1)
    }

    @Test("the upstream refusing the inverse (a GraphQL error) marks the row failed with the reason")
    func upstreamRefuses() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let demo = try DemoUpstream()
        defer { demo.stop() }
        let bogus: JSONValue = .object([
            JSONMember("operation", .string("mutation Compensate($id: ID!) { restoreEverything(id: $id) }")),
            JSONMember("variables", .object([JSONMember("id", .string("e-1"))])),
        ])
        let row = try await h.logCompensation(bogus, tenant: "demo", operation: "Odd", ageSeconds: 1)
        let summary = try await h.replayer(demo.endpoint).run(last: 5, tenant: nil, dryRun: false, approveDestructive: false, report: { _, _ in })
        #expect(summary.outcomes == ["failed": 1])
        let status = try await h.compensationStatus(row)
        #expect(status.status == "failed")
        #expect(status.error?.contains("GraphQL error") == true)
        #expect(try await h.audit("compensation.replay").first?.details["outcome"]?.stringValue == "failed")
    }

    @Test("a malformed compensation (no operation, a query, not JSON-object variables) fails without being sent")
    func malformed() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let demo = try DemoUpstream()
        defer { demo.stop() }
        let noOperation = try await h.logCompensation(.object([JSONMember("steps", .array([]))]), tenant: "demo", operation: "A", ageSeconds: 3)
        let query = try await h.logCompensation(
            .object([JSONMember("operation", .string("{ entities { id } }"))]), tenant: "demo", operation: "B", ageSeconds: 2)
        let badVariables = try await h.logCompensation(
            .object([JSONMember("operation", .string("mutation { SafeNoop }")), JSONMember("variables", .array([]))]),
            tenant: "demo", operation: "C", ageSeconds: 1)
        let summary = try await h.replayer(demo.endpoint).run(last: 5, tenant: nil, dryRun: false, approveDestructive: true, report: { _, _ in })
        #expect(summary.outcomes == ["failed": 3])
        #expect(try await h.compensationStatus(noOperation).error?.contains("no \"operation\"") == true)
        #expect(try await h.compensationStatus(query).error?.contains("not a mutation") == true)
        #expect(try await h.compensationStatus(badVariables).error?.contains("variables") == true)
        #expect(try await h.audit("compensation.replay").count == 3)
    }

    @Test("an unreachable upstream sends nothing: rows stay pending and the run stops at the first")
    func upstreamUnreachable() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let noop: JSONValue = .object([JSONMember("operation", .string("mutation Compensate { SafeNoop }"))])
        let first = try await h.logCompensation(noop, tenant: "demo", operation: "A", ageSeconds: 2)
        let second = try await h.logCompensation(noop, tenant: "demo", operation: "B", ageSeconds: 1)
        let closed = HTTPEndpoint(host: "127.0.0.1", port: Ports.free())
        let reports = Reports()
        let summary = try await h.replayer(closed).run(last: 5, tenant: nil, dryRun: false, approveDestructive: false, report: reports.add)
        #expect(summary.stoppedEarly)
        #expect(reports.all.count == 1)
        #expect(reports.all.first?.1.label == "not sent")
        #expect(try await h.compensationStatus(first).status == "pending")
        #expect(try await h.compensationStatus(second).status == "pending")
        #expect(try await h.audit("compensation.replay").isEmpty)
    }

    @Test("--last N reads only the newest N pending, --tenant only that tenant's")
    func lastAndTenant() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let noop: JSONValue = .object([JSONMember("operation", .string("mutation Compensate { SafeNoop }"))])
        let oldDemo = try await h.logCompensation(noop, tenant: "demo", operation: "A", ageSeconds: 30)
        let newTest = try await h.logCompensation(noop, tenant: "test", operation: "B", ageSeconds: 20)
        let newDemo = try await h.logCompensation(noop, tenant: "demo", operation: "C", ageSeconds: 10)
        let replayer = try h.replayer(HTTPEndpoint(host: "127.0.0.1", port: 1))
        #expect(try await replayer.pending(last: 2).map(\.id) == [newDemo, newTest])
        #expect(try await replayer.pending(last: 10, tenant: "demo").map(\.id) == [newDemo, oldDemo])
        #expect(try await replayer.pending(last: 10, tenant: "nobody").isEmpty)
    }

    @Test("two runs at once replay each compensation exactly once (row locks, SKIP LOCKED)")
    func concurrentRuns() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let demo = try DemoUpstream()
        defer { demo.stop() }
        var rows: [String] = []
        for index in 0..<6 {
            let doomed = try await demo.createEntity("e\(index)", tenant: "demo")
            let undelete = try await demo.deleteEntity(doomed.id, tenant: "demo")
            rows.append(try await h.logCompensation(undelete, tenant: "demo", operation: "DeleteEntity", ageSeconds: 10 + index))
        }
        async let one = try h.replayer(demo.endpoint).run(last: 10, tenant: nil, dryRun: false, approveDestructive: false, report: { _, _ in })
        async let two = try h.replayer(demo.endpoint).run(last: 10, tenant: nil, dryRun: false, approveDestructive: false, report: { _, _ in })
        let (a, b) = try await (one, two)
        #expect((a.outcomes["replayed"] ?? 0) + (b.outcomes["replayed"] ?? 0) == 6)
        let audit = try await h.audit("compensation.replay")
        #expect(audit.count == 6)
        #expect(Set(audit.compactMap { $0.details["compensation_id"]?.stringValue }) == Set(rows))
        for row in rows { #expect(try await h.compensationStatus(row).status == "replayed") }
    }
}

/// The pure parts: what is destructive, how an answer is judged.
@Suite("compensation rules")
struct CompensationRuleTests {
    @Test("destructive: delete-style names, the schema's risk tags, and the upstream's own flag")
    func destructive() throws {
        let plain = DestructiveRule()
        #expect(!plain.reasons(rootFields: ["deleteEntity"], flagged: false).isEmpty)
        #expect(!plain.reasons(rootFields: ["deleteRelationship"], flagged: false).isEmpty)
        #expect(!plain.reasons(rootFields: ["bulkDeleteEntities"], flagged: false).isEmpty)
        #expect(plain.reasons(rootFields: ["createEntity", "updateEntity"], flagged: false).isEmpty)
        #expect(plain.reasons(rootFields: ["moveEntityToTenant"], flagged: false).isEmpty)
        #expect(plain.reasons(rootFields: ["SafeNoop"], flagged: true) == ["the upstream marked it destructive"])

        let sdl = try String(contentsOfFile: Binaries.repositoryRoot + "/examples/intelgraph/schema.graphql", encoding: .utf8)
        let schema = DestructiveRule(catalog: try BudgetCatalog(sdl: sdl))
        #expect(schema.reasons(rootFields: ["moveEntityToTenant"], flagged: false) == ["moveEntityToTenant has risk tag cross_tenant_move"])
        #expect(schema.reasons(rootFields: ["deleteEntity"], flagged: false) == ["deleteEntity has risk tag destructive"])
        #expect(schema.reasons(rootFields: ["createEntity", "updateEntity"], flagged: false).isEmpty)
    }
}
