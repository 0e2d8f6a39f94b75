import Kit
import Synchronization
import Testing

/// One sleeping task fires every deadline; cancelled ones never fire; nothing fires early.
@Suite("Deadlines")
struct DeadlinesTests {
    final class Fired: Sendable {
        let at = Mutex<[Int: ContinuousClock.Instant]>([:])
        func record(_ id: Int) { at.withLock { $0[id] = .now } }
        var ids: Set<Int> { Set(at.withLock { $0.keys }) }
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<2_000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test("due callbacks fire once, not before their deadline; cancelled ones never")
    func firesAndCancels() async throws {
        let deadlines = Deadlines(tick: .milliseconds(2))
        let fired = Fired()
        let start = ContinuousClock.now
        var scheduled: [Int: ContinuousClock.Instant] = [:]
        var tokens: [Int: UInt64] = [:]
        for id in 0..<40 {
            let deadline = start + .milliseconds(10 + id)
            scheduled[id] = deadline
            tokens[id] = deadlines.schedule(at: deadline) { fired.record(id) }
        }
        for id in stride(from: 1, to: 40, by: 2) { deadlines.cancel(tokens[id]!) }
        try await Self.waitUntil { fired.ids.count == 20 && deadlines.pending == 0 }
        #expect(fired.ids == Set(stride(from: 0, to: 40, by: 2)))
        for (id, at) in fired.at.withLock({ $0 }) {
            #expect(at >= scheduled[id]!, "deadline \(id) fired early")
        }
        #expect(deadlines.pending == 0)
    }

    @Test("the task stops when idle and starts again for the next deadline")
    func restarts() async throws {
        let deadlines = Deadlines(tick: .milliseconds(2))
        let fired = Fired()
        deadlines.schedule(at: .now + .milliseconds(5)) { fired.record(1) }
        try await Self.waitUntil { fired.ids.contains(1) }
        try await Task.sleep(for: .milliseconds(20))
        deadlines.schedule(at: .now + .milliseconds(5)) { fired.record(2) }
        try await Self.waitUntil { fired.ids.contains(2) }
        #expect(fired.ids == [1, 2])
    }

    @Test("a cancel after the callback fired is harmless")
    func lateCancel() async throws {
        let deadlines = Deadlines(tick: .milliseconds(2))
        let fired = Fired()
        let token = deadlines.schedule(at: .now) { fired.record(1) }
        try await Self.waitUntil { fired.ids.contains(1) }
        deadlines.cancel(token)
        #expect(fired.ids == [1])
        #expect(deadlines.pending == 0)
    }

    @Test("race: the work's answer when it comes first; the timeout's otherwise, and the late result is handed over")
    func race() async throws {
        let deadlines = Deadlines(tick: .milliseconds(2))
        let quick = await deadlines.race(until: .now + .seconds(30), onTimeout: -1) { 7 }
        #expect(quick == 7)
        #expect(deadlines.pending == 0, "the timeout was cancelled")

        let lateValues = Mutex<[Int]>([])
        let slow = await deadlines.race(until: .now + .milliseconds(5), onTimeout: -1, late: { value in
            lateValues.withLock { $0.append(value) }
        }) {
            try? await Task.sleep(for: .milliseconds(200))
            return 9
        }
        #expect(slow == -1)
        try await Self.waitUntil { !lateValues.withLock { $0 }.isEmpty }
        #expect(lateValues.withLock { $0 } == [9])
    }
}
