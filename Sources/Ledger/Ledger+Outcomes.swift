import Contract
import Audit
import Foundation
import Kit
import Ports

extension Ledger {
    /// The `tenant` label of denials for tenants without a budget.
    public static let unknownTenantLabel = ReservationOutcome.unknownTenantLabel

    /// A budget denial: counted, and audited when it makes a storm.
    public func denied(tenant: String, reason: String, requestID: String) {
        metrics.denied(reason: reason, tenant: tenant)
        guard storms.record(tenant: tenant), let audit else { return }
        let entry = AuditEntry(
            action: "budget.denial_storm", actor: "safemut", tenant: tenant, correlationID: requestID,
            reason: "\(storms.threshold) budget denials within \(storms.window)",
            details: .object([JSONMember("threshold", .number(String(storms.threshold))), JSONMember("last_reason", .string(reason))]))
        Task { [logger] in
            do {
                try await audit.append(entry)
            } catch {
                logger.error("could not audit a denial storm", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            }
        }
    }

    /// Postgres could not reserve in time. `closed`: 503 at once. `open`: admitted
    /// unreserved, counted, logged, and audited once a minute per process (Postgres is
    /// likely down, so the audit is retried until it lands).
    /// Returns the refusal (`closed`), or nil to admit the mutation unreserved (`open`).
    public func unavailable(_ failure: LedgerFailure, tenant: String, requestID: String) -> Rejection? {
        metrics.enforcementError(kind: failMode == .open ? "fail_open" : "fail_closed")
        logger.error("ledger reservation failed", metadata: [
            "tenant": "\(tenant)", "request.id": "\(requestID)", "error": "\(failure)", "budget.fail_mode": "\(failMode.rawValue)",
        ])
        guard failMode == .open else {
            return Rejection(.dependencyUnavailable, "the budget ledger is unavailable: \(failure)")
        }
        let now = ContinuousClock.now
        let due = failOpenAudit.withLock { last -> Bool in
            guard last.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
            last = now
            return true
        }
        if due, let audit {
            let entry = AuditEntry(
                action: "budget.fail_open", actor: "safemut", tenant: tenant, correlationID: requestID,
                reason: "ledger unavailable; mutations admitted without a reservation (budget.fail_mode: open)",
                details: .object([JSONMember("error", .string(failure.description))]))
            Task { [logger] in
                for attempt in 1...120 {
                    do {
                        try await audit.append(entry)
                        return
                    } catch {
                        if attempt == 120 {
                            logger.error("could not audit a fail-open admission", metadata: ["error": "\(error)"])
                        }
                        try? await Task.sleep(for: .seconds(5))
                    }
                }
            }
        }
        return nil
    }
}
