import Kit
import Contract
import Logging
import Postgres

/// `GET /admin/audit?since=RFC3339&limit=N&tenant=t&after_seq=S` (SPEC §3): a page of the
/// audit log, oldest first. `since` (default: the beginning), `limit` 1…1000 (default
/// 100), `tenant` and `after_seq` (the previous page's `next_after_seq`) are optional; a
/// malformed one is `BAD_REQUEST`. Who may read it is the role table's business.
public struct AuditAdmin: Sendable {
    let log: AuditLog
    let logger: Logger

    public init(log: AuditLog, logger: Logger) {
        self.log = log
        self.logger = logger
    }

    public var endpoints: [AdminEndpoint] {
        [AdminEndpoint("GET", "/admin/audit") { call in await self.list(call) }]
    }

    func list(_ call: AdminCall) async -> AdminReply {
        let query: AuditPageQuery
        do throws(AuditQueryError) {
            query = try AuditPageQuery(parameters: call.query)
        } catch {
            return .badRequest(error.message)
        }
        let page: AuditPage
        do {
            page = try await log.page(query)
        } catch {
            logger.error("audit page failed", metadata: ["error": "\(error)", "request.id": "\(call.requestID)"])
            return .unavailable("the audit log cannot be read: Postgres did not answer")
        }
        return AdminReply(json: .object([
            JSONMember("since", query.sinceMicros.map { .string(RFC3339.format(micros: $0)) } ?? .null),
            JSONMember("tenant_id", query.tenant.map { .string($0) } ?? .null),
            JSONMember("limit", .number(String(query.limit))),
            JSONMember("count", .number(String(page.records.count))),
            JSONMember("next_after_seq", page.nextAfterSeq.map { .number(String($0)) } ?? .null),
            JSONMember("entries", .array(page.records.map(\.json))),
        ]))
    }
}
