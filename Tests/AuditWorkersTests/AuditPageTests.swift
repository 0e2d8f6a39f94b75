import Kit
import Audit
import Postgres
import Testing

@Suite("audit log pages")
struct AuditPageTests {
    @Test("a page is oldest first, filtered by since and tenant, at most limit rows, with a cursor to the next")
    func pagesAndFilters() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        let log = AuditLog(pool: pool)
        // Two old rows (backdated as a psql INSERT may), then five new ones, alternating tenants.
        _ = try await pool.query("""
            INSERT INTO audit_log (action, created_by, tenant_id, created_at)
            VALUES ('old.one', 'dba', 'demo', '2020-01-01T00:00:00Z'), ('old.two', 'dba', 'test', '2020-01-02T00:00:00Z')
            """)
        for index in 1...5 {
            try await log.append(AuditEntry(action: "new.\(index)", actor: "tester", tenant: index % 2 == 0 ? "test" : "demo"))
        }

        let all = try await log.page(AuditPageQuery())
        #expect(all.records.map(\.seq) == Array(1...7))
        #expect(all.nextAfterSeq == nil)

        let since = try await log.page(AuditPageQuery(sinceMicros: RFC3339.parse("2021-01-01T00:00:00Z")))
        #expect(since.records.map(\.action) == ["new.1", "new.2", "new.3", "new.4", "new.5"])

        let demo = try await log.page(AuditPageQuery(tenant: "demo"))
        #expect(demo.records.map(\.action) == ["old.one", "new.1", "new.3", "new.5"])

        let first = try await log.page(AuditPageQuery(limit: 3))
        #expect(first.records.map(\.seq) == [1, 2, 3])
        #expect(first.nextAfterSeq == 3)
        let second = try await log.page(AuditPageQuery(limit: 3, afterSeq: first.nextAfterSeq))
        #expect(second.records.map(\.seq) == [4, 5, 6])
        let third = try await log.page(AuditPageQuery(limit: 3, afterSeq: second.nextAfterSeq))
        #expect(third.records.map(\.seq) == [7])
        #expect(third.nextAfterSeq == nil)

        let old = try #require(all.records.first)
        #expect(old.createdAt == "2020-01-01T00:00:00.000000Z")
        #expect(old.createdBy == "dba")
        #expect(old.prevHash.count == 32 && old.hash.count == 32)
        #expect(all.records[1].prevHash == old.hash)
    }

    @Test("RFC 3339 timestamps and bare dates parse to exact microseconds")
    func timestampParsing() {
        #expect(RFC3339.parse("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.parse("2026-11-01") == RFC3339.parse("2026-11-01T00:00:00Z"))
        #expect(RFC3339.parse("2026-11-01T02:00:00+02:00") == RFC3339.parse("2026-11-01T00:00:00Z"))
        #expect(RFC3339.parse("2026-11-01T00:00:00.000001z") == RFC3339.parse("2026-11-01T00:00:00Z")! + 1)
        #expect(RFC3339.parse("2024-02-29T12:00:00Z") != nil)
        #expect(RFC3339.format(micros: RFC3339.parse("2026-11-01T01:02:03.456789Z")!) == "2026-11-01T01:02:03.456789Z")
    }

    @Test("since that is not RFC 3339 is refused", arguments: [
        "yesterday", "now", "2026-13-01", "2023-02-29", "2026-11-01T25:00:00Z", "2026-11-01T00:00:00",
        "2026-11-01 00:00:00Z", "2026-11-01T00:00:00.1234567Z", "2026-11-01T00:00:00+0200", "", "1699999999",
    ])
    func badSince(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
        #expect(throws: AuditQueryError.since(text)) { try AuditPageQuery(parameters: ["since": text]) }
    }

    @Test("limit outside 1…1000 or not an integer is refused", arguments: ["0", "-5", "1001", "ten", "1.5", ""])
    func badLimit(_ text: String) {
        #expect(throws: AuditQueryError.limit(text)) { try AuditPageQuery(parameters: ["limit": text]) }
    }

    @Test("an empty tenant is refused")
    func emptyTenant() {
        #expect(throws: AuditQueryError.tenant) { try AuditPageQuery(parameters: ["tenant": ""]) }
    }

    @Test("after_seq that is not a non-negative integer is refused")
    func badAfterSeq() {
        #expect(throws: AuditQueryError.afterSeq("-1")) { try AuditPageQuery(parameters: ["after_seq": "-1"]) }
        #expect(throws: AuditQueryError.afterSeq("x")) { try AuditPageQuery(parameters: ["after_seq": "x"]) }
    }

    @Test("the limits 1 and 1000 are accepted")
    func limitBounds() throws {
        #expect(try AuditPageQuery(parameters: ["limit": "1"]).limit == 1)
        #expect(try AuditPageQuery(parameters: ["limit": "1000"]).limit == 1000)
        #expect(try AuditPageQuery(parameters: [:]).limit == AuditPageQuery.defaultLimit)
    }
}
