import Config
import Downshift
import GateChecks
import Gates
import Kit
import Logging
import Postgres

/// Reads each `finops.budgets` entry's month-to-date spend: `ledger` budgets from the
/// ledger's running totals (its actual costs; the synthetic account left out), `prometheus`
/// budgets from their query (US dollars this month). A budget that cannot be read is nil:
/// the ladder holds rather than move on missing data.
public struct BudgetBurnReader: Sendable {
    let budgets: [(name: String, config: FinOpsBudget)]
    let pool: PostgresPool?
    let prometheus: PrometheusRange?

    public init(budgets: [String: FinOpsBudget], pool: PostgresPool?, prometheus: PrometheusRange?) {
        self.budgets = budgets.sorted { $0.key < $1.key }.filter { $0.value.monthlyMicros != nil }.map { ($0.key, $0.value) }
        self.pool = pool
        self.prometheus = prometheus
    }

    public var isEmpty: Bool { budgets.isEmpty }

    public struct Reading: Sendable {
        public var name: String
        /// nil: the source failed (`problem` says why).
        public var burn: BudgetBurn?
        public var problem: String?
    }

    enum Spent {
        case micros(Int64)
        case problem(String)
    }

    public func read(atSeconds now: Int64) async -> [Reading] {
        let month = LedgerSpend.Month(atSeconds: now)
        var readings: [Reading] = []
        var ledgerSpend: Result<Int64, PostgresError>?
        for (name, budget) in budgets {
            let limit = Int64(budget.monthlyMicros ?? 0)
            let spent: Spent
            switch budget.source ?? .ledger {
            case .ledger:
                guard let pool else {
                    readings.append(Reading(name: name, burn: nil, problem: "database.url is not set"))
                    continue
                }
                if ledgerSpend == nil {
                    do {
                        ledgerSpend = .success(try await LedgerSpend.monthToDate(pool: pool, monthStartDay: month.startDay))
                    } catch {
                        ledgerSpend = .failure(error)
                    }
                }
                switch ledgerSpend! {
                case .success(let micros): spent = .micros(micros)
                case .failure(let error): spent = .problem("ledger: \(error.message)")
                }
            case .prometheus:
                guard let query = budget.query else {
                    spent = .problem("finops.budgets.\(name).query is not set")
                    break
                }
                guard let prometheus else {
                    spent = .problem("promql.url is not set")
                    break
                }
                switch await prometheus.instant(query, atMillis: now * 1_000) {
                case .failure(let error): spent = .problem("\(error)")
                case .success(let answer):
                    let values = answer.series.flatMap { $0 }.compactMap(\.value)
                    guard !values.isEmpty else {
                        spent = .problem("the query answered no data")
                        break
                    }
                    // Dollars (exact decimal) to micro-dollars; the series are summed.
                    let micros = values.reduce(Int128(0)) { $0 + $1.scaled / 1_000_000 }
                    spent = micros >= 0 && micros < Int128(Int64.max) ? .micros(Int64(micros)) : .problem("the query answered \(micros) micro-dollars")
                }
            }
            switch spent {
            case .problem(let why): readings.append(Reading(name: name, burn: nil, problem: why))
            case .micros(let micros):
                readings.append(Reading(name: name, burn: BudgetBurn(
                    name: name, spentMicros: micros, limitMicros: limit, elapsedSeconds: month.elapsedSeconds(atSeconds: now), monthSeconds: month.lengthSeconds)))
            }
        }
        return readings
    }
}
