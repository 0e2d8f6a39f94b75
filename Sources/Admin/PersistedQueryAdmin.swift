import Kit
import Contract
import Logging
import PersistedQueries

/// `GET /admin/persisted-queries`, `POST /admin/persisted-queries/allowlist` and
/// `PUT /admin/persisted-queries/phase` (SPEC §3).
///
/// The phase switch changes this replica's gate at once (it is process state, like the
/// environment it starts from); the allowlist edits go through the store, so every replica
/// sees them within a second.
public struct PersistedQueryAdmin: Sendable {
    let gate: PersistedQueryGate
    /// Nil when Postgres or Redis is not configured: the allowlist is then empty and fixed.
    let store: AllowlistStore?
    let trust: ManifestTrust
    /// Records every change (phase, bypass, introspection, allowlist edits); nil without Postgres.
    let audit: (any AdminAuditTrail)?
    let logger: Logger

    public init(gate: PersistedQueryGate, store: AllowlistStore?, trust: ManifestTrust, audit: (any AdminAuditTrail)? = nil, logger: Logger) {
        self.gate = gate
        self.store = store
        self.trust = trust
        self.audit = audit
        self.logger = logger
    }

    public var endpoints: [AdminEndpoint] {
        [
            AdminEndpoint("GET", "/admin/persisted-queries") { _ in self.report() },
            AdminEndpoint("POST", "/admin/persisted-queries/allowlist") { call in await self.editAllowlist(call) },
            AdminEndpoint("PUT", "/admin/persisted-queries/phase") { call in await self.setPhase(call) },
        ]
    }

    // MARK: GET

    func report() -> AdminReply {
        let report = gate.report()
        let storeJSON: JSONValue = store.map { store in
            let status = store.status
            return .members([
                "environment": .string(store.environment),
                "version": .int(status.version),
                "source": .string(status.source.rawValue),
                "redis_reachable": .bool(status.redisReachable),
                "pending_publish": .bool(status.pendingPublish),
                "refresher_running": .bool(status.refresherRunning),
                "last_refresh": .time(status.lastRefresh),
                "last_error": .optional(status.lastError),
            ])
        } ?? .null
        return AdminReply(json: .members([
            "phase": .string(report.policy.phase.rawValue),
            "bypass": .bool(report.policy.bypass),
            "introspection": .bool(report.policy.introspectionAllowed),
            "tenant_phases": Self.tenantPhases(report.policy),
            "count": .int(report.allowlistCount),
            "store": storeJSON,
            "counters": Self.counters(report.counters),
            "recent_violations": .array(report.recentViolations.map(Self.violation)),
        ]))
    }

    static func tenantPhases(_ policy: PersistedQueryPolicy) -> JSONValue {
        .object(policy.tenantPhases.sorted { $0.key < $1.key }.map { JSONMember($0.key, .string($0.value.rawValue)) })
    }

    static func policyJSON(_ policy: PersistedQueryPolicy) -> JSONValue {
        .members([
            "phase": .string(policy.phase.rawValue),
            "bypass": .bool(policy.bypass),
            "introspection": .bool(policy.introspectionAllowed),
            "tenant_phases": tenantPhases(policy),
        ])
    }

    static func counters(_ counters: PersistedQueryCounters) -> JSONValue {
        .members([
            "checks": .int(counters.checks),
            "listed": .int(counters.hits),
            "allowed": .object(PersistedQueryAllowance.allCases.map { JSONMember($0.rawValue, .int(counters.allowed[$0] ?? 0)) }),
            "violations": .object(AllowlistPhase.allCases.filter { $0 != .off }.map { JSONMember($0.rawValue, .int(counters.violations[$0] ?? 0)) }),
            "rejections": .object(PersistedQueryRejectCode.allCases.map { JSONMember($0.rawValue, .int(counters.rejections[$0] ?? 0)) }),
        ])
    }

    static func violation(_ violation: RecordedViolation) -> JSONValue {
        .members([
            "time": .time(violation.time),
            "tenant": .optional(violation.tenant),
            "hash": .string(violation.hash),
            "operation_name": .optional(violation.operationName),
            "phase": .string(violation.phase.rawValue),
            "rejected": .bool(violation.rejected),
        ])
    }
}
