import Audit
import Config
import Kit
import Ledger
import Logging
import Postgres

/// The ledger `serve` runs with: its own Postgres pool (so admin calls and workers never
/// take the request path's connections), bounded by `budget.statement_timeout_ms`.
public struct LedgerSetup: Sendable {
    public let ledger: Ledger
    public let pool: PostgresPool

    /// Nil without `database.url` or with `budget.enabled: false`: mutations are then
    /// forwarded without a debit (logged loudly at start; refused at start in an
    /// environment listed in `require_enforcement` unless turned off by name).
    /// `faults`: the chaos book's Postgres hook, so a drill reaches the ledger's calls too.
    public static func make(
        _ config: SafemutConfig, audit: AuditLog?, logger: Logger, faults: CallFaultHook? = nil
    ) throws(DependencyError) -> LedgerSetup? {
        guard config.budget.enabled, let url = config.database.url else { return nil }
        var configuration: PostgresConfiguration
        do {
            configuration = try PostgresConfiguration(url: url, maxConnections: 16)
        } catch {
            throw DependencyError(key: "database.url", message: error.message)
        }
        configuration.statementTimeout = config.budget.statementTimeout
        configuration.applicationName = "safemut-ledger"
        let pool = PostgresPool(configuration: configuration, logger: logger, faults: faults)
        let store = LedgerStore(pool: pool, reservationTTL: config.budget.reservationTTL)
        let ledger = Ledger(
            store: store, failMode: config.budget.failMode, timeout: config.budget.statementTimeout, audit: audit, logger: logger)
        return LedgerSetup(ledger: ledger, pool: pool)
    }

    /// SIGTERM, after the requests drained: flush settlements (bounded), close the pool.
    public func stop(timeout: Duration = .seconds(5)) -> Bool {
        let flushed = blockingWait { [ledger] in await ledger.drain(timeout: timeout) }
        pool.close()
        return flushed
    }
}

