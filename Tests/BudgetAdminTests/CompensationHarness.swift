import BudgetAdmin
import Config
import Foundation
import Kit
import Postgres
import Synchronization
import TestSupport

/// A real `intelgraph-demo` process on a free loopback port, for replaying compensations.
final class DemoUpstream: Sendable {
    let process: ManagedProcess
    let port: Int

    init() throws {
        port = Ports.free()
        process = try ManagedProcess(
            name: "intelgraph-demo", executable: try Binaries.path("intelgraph-demo"), arguments: ["--listen", "127.0.0.1:\(port)"])
        try Ports.waitUntilListening(port, process: process)
    }

    var endpoint: HTTPEndpoint { HTTPEndpoint(host: "127.0.0.1", port: port) }

    func stop() { process.stop() }

    /// POSTs a GraphQL document as `tenant`; returns the JSON answer.
    func graphQL(_ query: String, variables: JSONValue = .object([]), tenant: String) async throws -> JSONValue {
        let body = Array(JSONValue.object([JSONMember("query", .string(query)), JSONMember("variables", variables)]).serialized.utf8)
        let port = self.port
        let response = try await offPool {
            let client = try RawHTTPClient(port: port, timeout: 30)
            let head = "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Tenant: \(tenant)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            try client.send(Array(head.utf8) + body)
            return try client.readResponse(method: "POST")
        }
        return try JSONValue.parse(response.body)
    }

    /// Creates an entity; returns its id and the upstream's compensation object.
    func createEntity(_ name: String, tenant: String) async throws -> (id: String, compensation: JSONValue) {
        let answer = try await graphQL(#"mutation { createEntity(name: "\#(name)") { id } }"#, tenant: tenant)
        guard let id = answer.at("data.createEntity.id")?.stringValue, let compensation = answer.at("extensions.compensation") else {
            throw HarnessError.setupFailed("createEntity answered \(answer.serialized)")
        }
        return (id, compensation)
    }

    /// Deletes an entity; returns the upstream's compensation object (a create with the old id).
    func deleteEntity(_ id: String, tenant: String) async throws -> JSONValue {
        let answer = try await graphQL(#"mutation { deleteEntity(id: "\#(id)") }"#, tenant: tenant)
        guard answer.at("data.deleteEntity") == .bool(true), let compensation = answer.at("extensions.compensation") else {
            throw HarnessError.setupFailed("deleteEntity answered \(answer.serialized)")
        }
        return compensation
    }

    /// Whether `id` exists in `tenant`.
    func exists(_ id: String, tenant: String) async throws -> Bool {
        let answer = try await graphQL(#"query { entity(id: "\#(id)") { id } }"#, tenant: tenant)
        return answer.at("data.entity.id")?.stringValue == id
    }
}

extension BudgetHarness {
    /// Logs a compensation as the ledger would, `ageSeconds` old; returns the row id.
    @discardableResult
    func logCompensation(_ compensation: JSONValue, tenant: String, operation: String, ageSeconds: Int) async throws -> String {
        try await sql("""
            INSERT INTO compensation_log (tenant_id, created_at, correlation_id, operation_name, compensation)
            VALUES ($1, now() - $2::int * interval '1 second', $3, $4, $5::jsonb)
            RETURNING id::text AS id
            """, [.text(tenant), .int(Int64(ageSeconds)), .text("req-\(UUID().uuidString.prefix(8))"), .text(operation),
                  .json(compensation.serialized)]).single()["id"].string()
    }

    func compensationStatus(_ id: String) async throws -> (status: String, error: String?) {
        let row = try await sql("SELECT status, replay_error FROM compensation_log WHERE id = $1::uuid", [.text(id)]).single()
        return (try row["status"].string(), try row["replay_error"].nonNull?.string())
    }

    /// Its upstream client's loop stops when the replayer goes away.
    func replayer(_ upstream: HTTPEndpoint, rule: DestructiveRule = DestructiveRule()) throws -> CompensationReplayer {
        try CompensationReplayer(
            pool: pool, upstream: upstream, rule: rule, actor: "cli:test", reason: "rollback-compensation",
            connectTimeout: .seconds(2), readTimeout: .seconds(10), logger: BudgetHarness.quiet)
    }
}

/// Collects a run's reports (the closure is @Sendable).
final class Reports: Sendable {
    private let lines = Mutex<[(String, ReplayOutcome)]>([])

    func add(_ entry: CompensationEntry, _ outcome: ReplayOutcome) {
        lines.withLock { $0.append((entry.id, outcome)) }
    }

    var all: [(String, ReplayOutcome)] { lines.withLock { $0 } }
}
