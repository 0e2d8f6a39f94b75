import Audit
import Chaos
import Config
import Contract
import CoreMetrics
import Foundation
import Kit
import Logging
import Synchronization

/// Injected faults (issue 18, SPEC §13) on this replica: the book the call sites read, the
/// `/admin/chaos/faults` routes, and `chaos_faults_active`, `chaos_injected_total{target,kind}`.
/// Faults live in memory and expire by themselves; each change is audited.
public struct ChaosSetup: Sendable {
    public let book: FaultBook
    let metrics: ChaosMetrics
    let limits: FaultLimits
    /// `environment: production` without `chaos.allow_in_production`: every fault refused.
    let refuseAll: Bool
    let clock: @Sendable () -> Int64

    /// Made before the datastore clients, which ask `hook(_:)` before each call.
    public init(_ config: SafemutConfig) {
        let clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000) }
        self.clock = clock
        book = FaultBook(clock: clock)
        metrics = ChaosMetrics()
        var configured: Set<Fault.Target> = [.upstream]
        if config.database.url != nil { configured.insert(.postgres) }
        if config.redis.url != nil { configured.insert(.redis) }
        limits = FaultLimits(maxDelayMillis: config.chaos.maxDelayMillis, maxTTLMinutes: config.chaos.maxTTLMinutes, configuredTargets: configured)
        refuseAll = config.environment == "production" && !config.chaos.allowInProduction
    }

    /// What the Postgres or Redis client asks before each call: with no fault in force, one
    /// atomic load; else the first fault matching the call's scope (`CallScope.current`).
    public func hook(_ target: Fault.Target) -> CallFaultHook {
        CallFaultHook { [book, metrics] in
            guard !book.isEmpty, let fault = book.fault(for: FaultedCall(target: target, scope: CallScope.current)) else { return nil }
            metrics.injected(fault)
            return fault.callFault
        }
    }

    /// The fault the upstream call of this request gets, counted; nil when none.
    func upstreamFault(_ scope: CallScope) -> Fault? {
        guard !book.isEmpty, let fault = book.fault(for: FaultedCall(target: .upstream, scope: scope)) else { return nil }
        metrics.injected(fault)
        return fault
    }

    /// `/admin/chaos/faults`; each change audited when Postgres is configured.
    public func endpoints(audit: AuditLog?, logger: Logger) -> [AdminEndpoint] {
        ChaosAdmin(book: book, metrics: metrics, limits: limits, refuseAll: refuseAll, audit: audit, clock: clock, logger: logger).endpoints
    }

    /// For `/health/ready`: the faults in force, so nobody mistakes a drill for an outage.
    public func summary() -> JSONValue? {
        let faults = book.active()
        metrics.active.record(faults.count)
        guard !faults.isEmpty else { return nil }
        return .object([
            JSONMember("active", .number(String(faults.count))),
            JSONMember("faults", .array(faults.map { .string("\($0.id) \($0.target.rawValue) \($0.kind.rawValue) \($0.percent)%") })),
        ])
    }
}

final class ChaosMetrics: Sendable {
    let active = CoreMetrics.Gauge(label: "chaos_faults_active")
    private let injected = Mutex<[String: CoreMetrics.Counter]>([:])

    init() {
        active.record(0)
    }

    func injected(_ fault: Fault) {
        let key = fault.target.rawValue + "|" + fault.kind.rawValue
        injected.withLock { cache in
            if cache[key] == nil {
                cache[key] = CoreMetrics.Counter(label: "chaos_injected_total", dimensions: [("target", fault.target.rawValue), ("kind", fault.kind.rawValue)])
            }
            return cache[key]!
        }.increment()
    }
}

/// `POST /admin/chaos/faults` (a fault, SPEC §13), `GET` (those in force), `DELETE` (all, or
/// `/{id}`). Refused in `environment: production` unless `chaos.allow_in_production`.
struct ChaosAdmin: Sendable {
    let book: FaultBook
    let metrics: ChaosMetrics
    let limits: FaultLimits
    let refuseAll: Bool
    let audit: AuditLog?
    let clock: @Sendable () -> Int64
    let logger: Logger

    var endpoints: [AdminEndpoint] {
        [
            AdminEndpoint("GET", "/admin/chaos/faults") { _ in self.list() },
            AdminEndpoint("POST", "/admin/chaos/faults") { call in await self.create(call) },
            AdminEndpoint("DELETE", "/admin/chaos/faults") { call in await self.delete(call, id: nil) },
            AdminEndpoint("DELETE", "/admin/chaos/faults/{id}") { call in await self.delete(call, id: call.parameters["id"]) },
        ]
    }

    func list() -> AdminReply {
        let faults = book.active()
        metrics.active.record(faults.count)
        return AdminReply(json: .object([JSONMember("faults", .array(faults.map(\.json)))]))
    }

    func create(_ call: AdminCall) async -> AdminReply {
        if refuseAll {
            return .forbidden("faults are refused in environment production (set chaos.allow_in_production to drill there)")
        }
        let body: JSONValue
        switch call.jsonObject() {
        case .success(let value): body = value
        case .failure(let reply): return reply
        }
        let fault: Fault
        do {
            fault = try Fault.parse(body, id: "f-" + UUID().uuidString.prefix(8).lowercased(), by: call.identity.subject, atMillis: clock(), limits: limits)
        } catch {
            return AdminReply(Rejection(.badRequest, "\(error)", details: [("field", .string(error.field))]))
        }
        if let refusal = await record("chaos.fault.create", call, reason: fault.reason, details: fault.json) { return refusal }
        book.add(fault)
        metrics.active.record(book.active().count)
        logger.warning("chaos fault injected", metadata: ["chaos.id": "\(fault.id)", "chaos.target": "\(fault.target.rawValue)", "chaos.kind": "\(fault.kind.rawValue)", "chaos.by": "\(fault.createdBy)"])
        return AdminReply(status: 201, json: fault.json)
    }

    func delete(_ call: AdminCall, id: String?) async -> AdminReply {
        let removed = book.remove(id: id)
        if let id, removed == 0 { return .notFound("no fault \(id)") }
        if let refusal = await record("chaos.fault.delete", call, reason: nil, details: .object([
            JSONMember("id", id.map(JSONValue.string) ?? .string("all")), JSONMember("removed", .number(String(removed))),
        ])) { return refusal }
        metrics.active.record(book.active().count)
        return AdminReply(json: .object([JSONMember("removed", .number(String(removed)))]))
    }

    /// The audit row; with Postgres configured but failing, the change is refused (a drill
    /// nobody can trace afterwards is not run).
    func record(_ action: String, _ call: AdminCall, reason: String?, details: JSONValue) async -> AdminReply? {
        guard let audit else { return nil }
        do {
            _ = try await audit.append(AuditEntry(action: action, actor: call.identity.subject, correlationID: call.requestID, reason: reason, details: details))
            return nil
        } catch {
            return .unavailable("cannot audit the fault change: \(error)")
        }
    }
}
