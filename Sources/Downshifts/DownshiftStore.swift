import Audit
import Downshift
import Kit
import Postgres

/// The ladder's shared state in Postgres (migration 0015): one control row, serialised by a
/// row lock; its version is what replicas follow. Every change writes a history row and an
/// audit row (`downshift.<event>`) in the same transaction.
public struct DownshiftStore: Sendable {
    let pool: PostgresPool
    let audit: AuditLog

    public init(pool: PostgresPool) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
    }

    public struct Snapshot: Sendable, Equatable {
        public var version: Int64
        public var state: DownshiftState
    }

    static let select = """
        SELECT version, manual_tier, manual_reason, manual_by,
               floor(extract(epoch FROM manual_since))::bigint AS manual_since,
               floor(extract(epoch FROM manual_expires))::bigint AS manual_expires,
               auto_tier, floor(extract(epoch FROM auto_since))::bigint AS auto_since, auto_reason,
               floor(extract(epoch FROM auto_low_since))::bigint AS auto_low_since
        FROM downshift_control WHERE id = 1
        """

    public func load() async throws(PostgresError) -> Snapshot {
        try Self.snapshot(try await pool.query(Self.select).single())
    }

    public func version() async throws(PostgresError) -> Int64 {
        try await pool.query("SELECT version FROM downshift_control WHERE id = 1").single()["version"].int64()
    }

    static func snapshot(_ row: PostgresRow) throws(PostgresError) -> Snapshot {
        var state = DownshiftState()
        if let tier = try row["manual_tier"].nonNull?.int(), let level = DownshiftTier(rawValue: tier) {
            state.manual = DownshiftState.Manual(
                tier: level, reason: try row["manual_reason"].nonNull?.string() ?? "", setBy: try row["manual_by"].nonNull?.string() ?? "",
                sinceSeconds: try row["manual_since"].nonNull?.int64() ?? 0, expiresAtSeconds: try row["manual_expires"].nonNull?.int64())
        }
        state.automatic = AutoTierState(
            tier: DownshiftTier(rawValue: try row["auto_tier"].int()) ?? .normal, lowSinceSeconds: try row["auto_low_since"].nonNull?.int64(),
            reason: try row["auto_reason"].string())
        state.automaticSinceSeconds = try row["auto_since"].int64()
        return Snapshot(version: try row["version"].int64(), state: state)
    }

    /// Applies `rule` to the stored state under the row lock; nil from the rule means no
    /// change (nothing written). Returns the new snapshot, or the refusal.
    public func change(
        event: String, actor: String, atSeconds now: Int64, detail: JSONValue = .object([]),
        _ rule: @Sendable (DownshiftState) -> Result<DownshiftState?, DownshiftState.Refusal>
    ) async throws -> Result<Snapshot?, DownshiftState.Refusal> {
        try await pool.transaction { session -> Result<Snapshot?, DownshiftState.Refusal> in
            let before = try Self.snapshot(try await session.query(Self.select + " FOR UPDATE").single())
            let next: DownshiftState
            switch rule(before.state) {
            case .failure(let refusal): return .failure(refusal)
            case .success(nil): return .success(nil)
            case .success(let value?): next = value
            }
            let autoChanged = next.automatic.tier != before.state.automatic.tier
            let row = try await session.query("""
                UPDATE downshift_control SET version = version + 1,
                    manual_tier = $1, manual_reason = $2, manual_by = $3, manual_since = to_timestamp($4), manual_expires = to_timestamp($5),
                    auto_tier = $6, auto_since = CASE WHEN $7 THEN to_timestamp($8) ELSE auto_since END, auto_reason = $9,
                    auto_low_since = to_timestamp($10), updated_at = now()
                WHERE id = 1
                RETURNING version, floor(extract(epoch FROM auto_since))::bigint AS auto_since
                """, [next.manual.map { .int(Int64($0.tier.rawValue)) }, next.manual.map { .text($0.reason) }, next.manual.map { .text($0.setBy) },
                      next.manual.map { .int($0.sinceSeconds) }, next.manual?.expiresAtSeconds.map { .int($0) },
                      .int(Int64(next.automatic.tier.rawValue)), .bool(autoChanged), .int(now), .text(next.automatic.reason),
                      next.automatic.lowSinceSeconds.map { .int($0) }]).single()
            var stored = next
            stored.automaticSinceSeconds = try row["auto_since"].int64()
            let tier = stored.tier(atSeconds: now)
            let reason = stored.activeManual(atSeconds: now)?.reason ?? stored.automatic.reason
            // A change of the automatic tier's hold clock alone is not an event worth a row.
            let worthRecording = event != "auto" || autoChanged
            if worthRecording {
                _ = try await session.query("""
                    INSERT INTO downshift_history (event, tier, actor, reason, detail) VALUES ($1, $2, $3, $4, $5::jsonb)
                    """, [.text(event), .int(Int64(tier.rawValue)), .text(actor), .text(reason), .json(detail.serialized)])
                _ = try await audit.append(AuditEntry(
                    action: "downshift.\(event)", actor: actor, reason: reason,
                    details: .object([
                        JSONMember("tier", .number(String(tier.rawValue))), JSONMember("tier_name", .string(tier.name)),
                        JSONMember("manual", .bool(stored.isManual(atSeconds: now))),
                        JSONMember("automatic_tier", .number(String(stored.automatic.tier.rawValue))),
                        JSONMember("expires_at", stored.activeManual(atSeconds: now)?.expiresAtSeconds.map { .string(RFC3339.format(micros: $0 * 1_000_000)) } ?? .null),
                        JSONMember("detail", detail),
                    ])), in: session)
            }
            return .success(Snapshot(version: try row["version"].int64(), state: stored))
        }
    }

    /// The newest history rows, newest first.
    public func history(limit: Int) async throws(PostgresError) -> [JSONValue] {
        let rows = try await pool.query("""
            SELECT event, tier, actor, reason, detail::text AS detail, (extract(epoch FROM at) * 1000000)::bigint AS at
            FROM downshift_history ORDER BY id DESC LIMIT $1
            """, [.int(Int64(limit))])
        var out: [JSONValue] = []
        for row in rows {
            out.append(.object([
                JSONMember("event", .string(try row["event"].string())), JSONMember("tier", .number(String(try row["tier"].int()))),
                JSONMember("actor", .string(try row["actor"].string())), JSONMember("reason", .string(try row["reason"].nonNull?.string() ?? "")),
                JSONMember("at", .string(RFC3339.format(micros: try row["at"].int64()))),
            ]))
        }
        return out
    }

    /// The synthetic checks' marked ledger account: created with small limits when missing,
    /// marked when it exists (its limits are the operators' to change).
    public func ensureSyntheticTenant(_ tenant: String) async throws(PostgresError) {
        _ = try await pool.query("""
            INSERT INTO tenant_budget (tenant_id, environment, tenant_class, canary, daily_usd_limit, monthly_usd_limit, synthetic)
            VALUES ($1, 'synthetic', 'default', false, 5.000000, 150.000000, true)
            ON CONFLICT (tenant_id) DO UPDATE SET synthetic = true
            """, [.text(tenant)])
    }

    /// Whether `tenant` had ledger activity before `seconds` (tier 5's protect).
    public func hadActivity(tenant: String, beforeSeconds seconds: Int64) async throws(PostgresError) -> Bool {
        try await pool.query("""
            SELECT EXISTS (SELECT 1 FROM budget_ledger WHERE tenant_id = $1 AND created_at < to_timestamp($2)) AS known
            """, [.text(tenant), .int(seconds)]).single()["known"].bool()
    }
}
