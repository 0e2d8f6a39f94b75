import Audit
import Kit
import Postgres
import Testing

@Suite("audit log chain")
struct AuditChainTests {
    @Test("many concurrent appends from two separate pools form one unbroken chain")
    func concurrentAppendsFromTwoPools() async throws {
        let harness = try await Harness.make()
        let first = try harness.pool(maxConnections: 4)
        let second = try harness.pool(maxConnections: 4)
        defer {
            first.close()
            second.close()
        }
        let perPool = 100
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, pool) in [("replica-a", first), ("replica-b", second)] {
                let log = AuditLog(pool: pool)
                for index in 0..<perPool {
                    group.addTask {
                        try await log.append(AuditEntry(
                            action: "test.append", actor: name, tenant: "demo", correlationID: "\(name)-\(index)",
                            details: .object([JSONMember("index", .number(String(index)))])))
                    }
                }
            }
            try await group.waitForAll()
        }
        let verification = try await AuditLog(pool: first).verify()
        guard case .intact(let length, let head) = verification else {
            Issue.record("chain not intact: \(verification)")
            return
        }
        #expect(length == Int64(2 * perPool))
        // Every row links to the one before it, and the head is the last row's hash.
        let rows = try await first.query("SELECT seq, prev_hash, hash, created_by FROM audit_log ORDER BY seq")
        #expect(rows.count == 2 * perPool)
        var previous: [UInt8]?
        var byActor: [String: Int] = [:]
        for (offset, row) in rows.enumerated() {
            #expect(try row["seq"].int64() == Int64(offset + 1))
            if let previous { #expect(try row["prev_hash"].byteArray() == previous) }
            previous = try row["hash"].byteArray()
            byActor[try row["created_by"].string(), default: 0] += 1
        }
        #expect(previous == head)
        #expect(byActor == ["replica-a": perPool, "replica-b": perPool])
    }

    @Test("UPDATE of an audit row is refused by the trigger")
    func updateRefused() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await AuditLog(pool: pool).append(AuditEntry(action: "test.one", actor: "tester"))
        await Self.expectRefused(pool, "UPDATE", "UPDATE audit_log SET reason = 'rewritten' WHERE seq = 1")
        #expect(try await harness.text("SELECT reason FROM audit_log WHERE seq = 1") == nil)
        #expect(try await AuditLog(pool: pool).verify().isIntact)
    }

    @Test("DELETE and TRUNCATE of the audit log are refused by triggers")
    func deleteRefused() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await AuditLog(pool: pool).append(AuditEntry(action: "test.one", actor: "tester"))
        await Self.expectRefused(pool, "DELETE", "DELETE FROM audit_log WHERE seq = 1")
        await #expect(throws: PostgresError.self) {
            try await pool.withConnection { session in try await session.executeScript("TRUNCATE audit_log") }
        }
        #expect(try await harness.text("SELECT count(*) FROM audit_log") == "1")
        #expect(try await AuditLog(pool: pool).verify() == .intact(length: 1, headHash: try await Self.head(pool)))
    }

    @Test("a superuser altering a row with the trigger disabled is caught by verify, which names that row")
    func tamperedRowNamed() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        let log = AuditLog(pool: pool)
        for index in 1...5 {
            try await log.append(AuditEntry(action: "budget.limits.set", actor: "finance", tenant: "demo", reason: "change \(index)"))
        }
        #expect(try await log.verify().isIntact)
        let original = try #require(try await log.record(seq: 3))

        try await Self.tamper(harness, #"UPDATE audit_log SET details = '{"daily_usd_limit": 1000000}' WHERE seq = 3"#)

        let verification = try await log.verify()
        guard case .broken(let fault) = verification else {
            Issue.record("tampering not caught: \(verification)")
            return
        }
        #expect(fault.seq == 3)
        #expect(fault.action == "budget.limits.set")
        #expect(fault.createdAtMicros == original.createdAtMicros)
        #expect(fault.fault == .contentAltered)
        #expect(fault.description.contains("seq 3"))
        #expect(fault.description.contains(original.createdAt))
    }

    @Test("a row deleted with the trigger disabled is caught: verify names the row after the gap")
    func deletedRowCaught() async throws {
        let fault = try #require(try await Self.breakAfterTampering("DELETE FROM audit_log WHERE seq = 2"), "deletion not caught")
        #expect(fault.seq == 3)
        #expect(fault.action == "test.3")
        #expect(fault.fault == .missingRows(from: 2, to: 2))
    }

    @Test("the last rows deleted with the trigger disabled are caught against the chain head")
    func truncatedTailCaught() async throws {
        let fault = try #require(try await Self.breakAfterTampering("DELETE FROM audit_log WHERE seq >= 3"), "truncation not caught")
        #expect(fault.seq == 3)
        #expect(fault.action == nil)
        #expect(fault.fault == .headMismatch(headSeq: 4, lastSeq: 2))
    }

    @Test("an empty log verifies as intact with the genesis head")
    func emptyLogIntact() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        let verification = try await AuditLog(pool: pool).verify()
        #expect(verification == .intact(length: 0, headHash: try await Self.head(pool)))
    }

    @Test("a plain psql INSERT is chained like the gateway's own")
    func psqlInsertChained() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await AuditLog(pool: pool).append(AuditEntry(action: "test.swift", actor: "gateway"))
        _ = try await pool.query(
            "INSERT INTO audit_log (action, details, reason, created_by) VALUES ('manual.note', '{\"a\": 1}', 'by hand', 'dba')")
        let verification = try await AuditLog(pool: pool).verify()
        #expect(verification.isIntact)
        if case .intact(let length, _) = verification { #expect(length == 2) }
    }

    /// Runs `sql` and expects the audit log's trigger to refuse it ("<verb> refused").
    static func expectRefused(
        _ pool: PostgresPool, _ verb: String, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            _ = try await pool.query(sql)
            Issue.record("\(verb) was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == .raisedException, sourceLocation: sourceLocation)
            #expect(error.message.contains("\(verb) refused"), sourceLocation: sourceLocation)
        }
    }

    /// Runs `sql` as a superuser could: with the trigger that refuses changes disabled around it.
    static func tamper(_ harness: Harness, _ sql: String) async throws {
        try await harness.script("""
            ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
            \(sql);
            ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
            """)
    }

    /// A fresh log of four rows (`test.1` … `test.4`) tampered with by `sql`: the break that
    /// verify reports, or nil when it finds the chain intact.
    static func breakAfterTampering(_ sql: String) async throws -> AuditChainBreak? {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        let log = AuditLog(pool: pool)
        for index in 1...4 { try await log.append(AuditEntry(action: "test.\(index)", actor: "tester")) }
        try await tamper(harness, sql)
        guard case .broken(let fault) = try await log.verify() else { return nil }
        return fault
    }

    static func head(_ pool: PostgresPool) async throws -> [UInt8] {
        try await pool.query("SELECT hash FROM audit_chain_head").single()["hash"].byteArray()
    }
}
