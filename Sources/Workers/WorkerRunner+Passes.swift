import Foundation
import Kit
import Postgres

/// The two workers, as the status snapshot names them.
enum WorkerKind {
    case reconcile, escalation

    var name: String {
        switch self {
        case .reconcile: return "reconcile"
        case .escalation: return "canary_escalation"
        }
    }

    var path: WritableKeyPath<WorkersStatus, WorkerStatus> {
        switch self {
        case .reconcile: return \.reconcile
        case .escalation: return \.escalation
        }
    }
}

extension WorkerRunner {
    /// One reconcile pass now, recorded in the status (what the leader runs on its timer).
    public func reconcileNow() async throws(PostgresError) -> ReconcileReport {
        begin(.reconcile)
        do {
            let report = try await reconcile.runOnce()
            let error = report.failures.isEmpty
                ? nil : "\(report.failures.count) tenant(s) failed: " + report.failures.map { "\($0.tenant): \($0.error)" }.joined(separator: "; ")
            finish(.reconcile, result: report.summary, error: error)
            metrics.staleSettled.increment(by: Int64(report.expired))
            // A metric, not money: the ledger holds the exact figure.
            let settledMicros = report.tenants.reduce(Int64(0)) { $0 + $1.expiredMicros }
            if settledMicros > 0 { metrics.staleSettledUSD.increment(by: Double(settledMicros) / 1_000_000) }
            if error == nil { metrics.reconcileLastSuccess.record(Date().timeIntervalSince1970) }
            return report
        } catch {
            finish(.reconcile, result: nil, error: error.description)
            throw error
        }
    }

    /// One escalation pass now, recorded in the status (`POST /admin/workers/canary-escalate`
    /// and the leader's timer).
    public func escalateNow(dryRun: Bool, trigger: EscalationTrigger) async throws(PostgresError) -> EscalationReport {
        begin(.escalation)
        do {
            let report = try await escalation.runOnce(dryRun: dryRun, trigger: trigger)
            let failed = report.decisions.compactMap { decision -> String? in
                if case .failed(let error) = decision.outcome { return "\(decision.tenant): \(error)" }
                return nil
            }
            finish(.escalation, result: report.summary, error: failed.isEmpty ? nil : "\(failed.count) tenant(s) failed: " + failed.joined(separator: "; "))
            metrics.escalations.increment(by: Int64(report.escalated))
            return report
        } catch {
            finish(.escalation, result: nil, error: error.description)
            throw error
        }
    }

    /// The leader's scheduled reconcile: a failure is recorded and the timer goes on; only
    /// a closed pool ends the lead.
    func runReconcile() async throws(PostgresError) {
        do {
            _ = try await reconcileNow()
        } catch where error.kind == .poolClosed {
            throw error
        } catch {
            logger.error("reconcile pass failed", metadata: ["error": "\(error)"])
        }
    }

    func runEscalation(dryRun: Bool, trigger: EscalationTrigger) async throws(PostgresError) {
        do {
            _ = try await escalateNow(dryRun: dryRun, trigger: trigger)
        } catch where error.kind == .poolClosed {
            throw error
        } catch {
            logger.error("canary escalation pass failed", metadata: ["error": "\(error)"])
        }
    }

    private func begin(_ worker: WorkerKind) {
        let now = Date()
        state.withLock { $0[keyPath: worker.path].lastRunStarted = now }
    }

    private func finish(_ worker: WorkerKind, result: JSONValue?, error: String?) {
        let now = Date()
        let outcome = error == nil ? "ok" : (result == nil ? "error" : "partial")
        state.withLock { status in
            var entry = status[keyPath: worker.path]
            entry.lastRunFinished = now
            entry.runs += 1
            if let result { entry.lastResult = result }
            entry.lastError = error
            if error == nil {
                entry.lastSuccess = now
            } else {
                entry.failures += 1
            }
            status[keyPath: worker.path] = entry
        }
        metrics.run(worker.name, outcome: outcome)
    }
}
