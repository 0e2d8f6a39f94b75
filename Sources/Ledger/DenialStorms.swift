import Synchronization

/// Denial storms: `threshold` budget denials for one tenant within `window` is a storm,
/// audited once per window (the canary escalation counts a day with a storm as not clean).
/// Counted per process: each replica reports the storms it sees.
final class DenialStorms: Sendable {
    let threshold: Int
    let window: Duration
    private let state = Mutex<[String: (start: ContinuousClock.Instant, count: Int, reported: Bool)]>([:])

    init(threshold: Int = 20, window: Duration = .seconds(60)) {
        self.threshold = threshold
        self.window = window
    }

    /// Counts one denial; true exactly when this denial makes the window a storm.
    func record(tenant: String, at now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { tenants in
            var entry = tenants[tenant] ?? (now, 0, false)
            if now - entry.start > window { entry = (now, 0, false) }
            entry.count += 1
            let storm = !entry.reported && entry.count >= threshold
            if storm { entry.reported = true }
            tenants[tenant] = entry
            // Bounded: forget tenants whose windows closed.
            if tenants.count > 10_000 { tenants = tenants.filter { now - $0.value.start <= window } }
            return storm
        }
    }
}
