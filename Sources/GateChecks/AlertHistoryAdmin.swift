import Audit
import Contract
import Gates
import Kit
import Postgres

/// `GET /admin/alerts?tenant=T&hours=24`: the alert history the canary-health page shows
/// (SPEC §14). With `promql.url` (`PROMQL_URL`) it is Prometheus's own record: `ALERTS`
/// firing for the tenant over the window, one entry per alert and stretch of firing. Without
/// it, the audit log's budget, canary, cutover and downshift events for the tenant stand in.
public struct AlertHistoryAdmin: Sendable {
    let prometheus: PrometheusRange?
    let audit: AuditLog?
    /// Unix milliseconds.
    let clock: @Sendable () -> Int64

    public init(prometheus: PrometheusRange?, audit: AuditLog?, clock: @escaping @Sendable () -> Int64) {
        self.prometheus = prometheus
        self.audit = audit
        self.clock = clock
    }

    public var endpoints: [AdminEndpoint] {
        [AdminEndpoint("GET", "/admin/alerts") { call in await self.list(call) }]
    }

    static let stepSeconds: Int64 = 60
    static let auditPrefixes = ["budget.", "canary.", "cutover.", "downshift.", "workers."]

    func list(_ call: AdminCall) async -> AdminReply {
        if let unknown = call.query.keys.sorted().first(where: { $0 != "tenant" && $0 != "hours" }) {
            return .badRequest("unknown query parameter \"\(unknown)\"; ?tenant= and ?hours= are accepted")
        }
        let tenant = call.query["tenant"]
        if let tenant, let problem = TenantID.problem(tenant) { return .badRequest("tenant \(problem)") }
        let hours = call.query["hours"].map { Int64($0) } ?? 24
        guard let hours, (1...168).contains(hours) else { return .badRequest("hours must be a whole number 1–168") }
        let end = clock()
        let start = end - hours * 3_600_000
        if let prometheus {
            return await fromPrometheus(prometheus, tenant: tenant, startMillis: start, endMillis: end)
        }
        guard let audit else { return .unavailable("no alert history: neither promql.url nor database.url is set") }
        do {
            let page = try await audit.page(try AuditPageQuery(sinceMicros: start * 1_000, limit: 1_000, tenant: tenant))
            let events = page.records.filter { record in Self.auditPrefixes.contains { record.action.hasPrefix($0) } }
            return AdminReply(json: .members([
                "source": .string("audit"), "tenant": .optional(tenant), "hours": .int(hours),
                "alerts": .array(events.reversed().map { record in .members([
                    "alert": .string(record.action), "severity": .null, "from": .string(record.createdAt), "to": .null,
                    "firing": .bool(false), "detail": .optional(record.reason),
                ]) }),
            ]))
        } catch let error as AuditQueryError {
            return .badRequest(error.message)
        } catch let error as PostgresError {
            return AdminReply.database(error)
        } catch {
            return .unavailable("\(error)")
        }
    }

    func fromPrometheus(_ prometheus: PrometheusRange, tenant: String?, startMillis: Int64, endMillis: Int64) async -> AdminReply {
        // The tenant passed TenantID's alphabet: nothing in it can end the label string.
        let query = "ALERTS{alertstate=\"firing\"" + (tenant.map { ",tenant=\"\($0)\"" } ?? "") + "}"
        let answer: PrometheusRange.Answer
        switch await prometheus.range(query, startMillis: startMillis, endMillis: endMillis, stepSeconds: Self.stepSeconds) {
        case .failure(let error): return .unavailable("the alert history cannot be read from Prometheus: \(error)")
        case .success(let value): answer = value
        }
        let results = (try? JSONValue.parse(answer.body))?["data"]?["result"]?.arrayValue ?? []
        var alerts: [(from: Int64, entry: JSONValue)] = []
        for (index, result) in results.enumerated() where index < answer.series.count {
            let metric = result["metric"]
            let times = answer.series[index].map(\.atMillis).sorted()
            for stretch in Self.stretches(times, gapMillis: 2 * Self.stepSeconds * 1_000) {
                alerts.append((stretch.from, .members([
                    "alert": .optional(metric?["alertname"]?.stringValue), "severity": .optional(metric?["severity"]?.stringValue),
                    "from": .string(RFC3339.format(epochMilliseconds: stretch.from)), "to": .string(RFC3339.format(epochMilliseconds: stretch.to)),
                    "firing": .bool(endMillis - stretch.to <= 2 * Self.stepSeconds * 1_000),
                    "detail": .optional(metric?["tenant"]?.stringValue.map { "tenant \($0)" }),
                ])))
            }
        }
        return AdminReply(json: .members([
            "source": .string("prometheus"), "tenant": .optional(tenant), "hours": .int((endMillis - startMillis) / 3_600_000),
            "alerts": .array(alerts.sorted { $0.from > $1.from }.map(\.entry)),
        ]))
    }

    /// Runs of sample times no further apart than `gapMillis`: each a stretch of firing.
    static func stretches(_ times: [Int64], gapMillis: Int64) -> [(from: Int64, to: Int64)] {
        var out: [(from: Int64, to: Int64)] = []
        for time in times {
            if let last = out.last, time - last.to <= gapMillis {
                out[out.count - 1].to = time
            } else {
                out.append((time, time))
            }
        }
        return out
    }
}
