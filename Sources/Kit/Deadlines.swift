import Synchronization

/// Fires callbacks at their deadlines from one sleeping task, instead of one sleeping task
/// (one Dispatch timer: a timerfd write and a manager-thread wakeup to arm it, another to
/// fire it) per bounded operation. The ledger and rate-limit steps bound every mutation's
/// wait this way; profiling the full path at 32 connections put ~13 % of the gateway's CPU
/// in arming, firing and cancelling those per-request timers.
///
/// Resolution is `tick`: a deadline fires up to one tick late, never early. Entries are
/// removed when their operation finishes first (`cancel`), so a scan touches only the
/// operations in flight. The task runs while anything is scheduled and ends when nothing
/// is.
public final class Deadlines: Sendable {
    private struct Entry {
        let deadline: ContinuousClock.Instant
        let fire: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextToken: UInt64 = 0
        var running = false
    }

    public let tick: Duration
    private let state = Mutex(State())

    public init(tick: Duration = .milliseconds(5)) {
        self.tick = tick
    }

    /// Calls `fire` once `deadline` has passed, unless `cancel(token)` came first.
    @discardableResult
    public func schedule(at deadline: ContinuousClock.Instant, _ fire: @escaping @Sendable () -> Void) -> UInt64 {
        let (token, start) = state.withLock { state -> (UInt64, Bool) in
            state.nextToken += 1
            state.entries[state.nextToken] = Entry(deadline: deadline, fire: fire)
            defer { state.running = true }
            return (state.nextToken, !state.running)
        }
        if start {
            Task { [self] in await run() }
        }
        return token
    }

    /// Forgets a scheduled callback; harmless when it already fired.
    public func cancel(_ token: UInt64) {
        _ = state.withLock { $0.entries.removeValue(forKey: token) }
    }

    /// Callbacks scheduled and not yet fired or cancelled.
    public var pending: Int { state.withLock { $0.entries.count } }

    private func run() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let (due, keepRunning) = state.withLock { state -> ([Entry], Bool) in
                var due: [Entry] = []
                for (token, entry) in state.entries where entry.deadline <= now {
                    due.append(entry)
                    state.entries.removeValue(forKey: token)
                }
                if state.entries.isEmpty { state.running = false }
                return (due, !state.entries.isEmpty)
            }
            for entry in due { entry.fire() }
            if !keepRunning { return }
        }
    }
}

extension Deadlines {
    /// Runs `work` and answers with its result, or with `onTimeout` once `deadline` passes,
    /// whichever comes first, without waiting for work that cannot be cancelled (a Postgres
    /// statement, a Redis script). A result that loses the race is handed to `late` (the
    /// ledger releases a reservation that arrived after its request was answered).
    public func race<T: Sendable>(
        until deadline: ContinuousClock.Instant, onTimeout: T, late: @escaping @Sendable (T) -> Void = { _ in },
        _ work: @escaping @Sendable () async -> T
    ) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let pending = Mutex<CheckedContinuation<T, Never>?>(continuation)
            // True when `value` was the first answer.
            let answer: @Sendable (T) -> Bool = { value in
                guard let waiting = pending.withLock({ slot in defer { slot = nil }; return slot }) else { return false }
                waiting.resume(returning: value)
                return true
            }
            let token = schedule(at: deadline) { _ = answer(onTimeout) }
            Task {
                let result = await work()
                self.cancel(token)
                if !answer(result) { late(result) }
            }
        }
    }
}
