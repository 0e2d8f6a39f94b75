import Ports
import Logging
import Synchronization

/// At most one log line per second per failure kind: a dead Redis under load would
/// otherwise write one per request. The metric counts every failure; the line says how
/// many it stands for.
final class FailureLog: Sendable {
    private struct Entry {
        var lastLogged: ContinuousClock.Instant
        var suppressed: Int
    }

    private let logger: Logger
    private let interval: Duration
    private let entries = Mutex<[RateLimitFailure.Kind: Entry]>([:])

    init(logger: Logger, interval: Duration = .seconds(1)) {
        self.logger = logger
        self.interval = interval
    }

    func record(_ failure: RateLimitFailure, failMode: String, tenant: String, requestID: String) {
        let now = ContinuousClock.now
        let suppressed: Int? = entries.withLock { entries in
            if var entry = entries[failure.kind], now - entry.lastLogged < interval {
                entry.suppressed += 1
                entries[failure.kind] = entry
                return nil
            }
            let skipped = entries[failure.kind]?.suppressed ?? 0
            entries[failure.kind] = Entry(lastLogged: now, suppressed: 0)
            return skipped
        }
        guard let suppressed else { return }
        logger.warning("rate limit check failed", metadata: [
            "rate.error.kind": "\(failure.kind.rawValue)",
            "rate.error": "\(failure.message)",
            "rate.fail_mode": "\(failMode)",
            "rate.suppressed_since_last": "\(suppressed)",
            "tenant": "\(tenant)",
            "request.id": "\(requestID)",
        ])
    }
}
