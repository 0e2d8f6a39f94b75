import Synchronization

/// The faults in force on this replica: read on every call, so the empty case is one atomic
/// load and nothing else (no lock, no clock), and a match takes the lock only while faults exist.
public final class FaultBook: Sendable {
    private struct Entry: Sendable {
        var fault: Fault
        /// Calls this fault matched, for spreading `percent` evenly.
        var seen: Int
    }

    private let entries = Mutex<[Entry]>([])
    private let count = Atomic<Int>(0)
    private let clock: @Sendable () -> Int64

    public init(clock: @escaping @Sendable () -> Int64) {
        self.clock = clock
    }

    public var isEmpty: Bool { count.load(ordering: .relaxed) == 0 }

    public func add(_ fault: Fault) {
        let now = clock()
        entries.withLock { list in
            list.removeAll { $0.fault.expiresAtMillis <= now }
            list.append(Entry(fault: fault, seen: 0))
            count.store(list.count, ordering: .relaxed)
        }
    }

    /// Removes one fault (nil: all); how many went.
    @discardableResult
    public func remove(id: String?) -> Int {
        entries.withLock { list in
            let before = list.count
            list.removeAll { id == nil || $0.fault.id == id }
            count.store(list.count, ordering: .relaxed)
            return before - list.count
        }
    }

    /// The faults in force (expired ones dropped).
    public func active() -> [Fault] {
        guard !isEmpty else { return [] }
        let now = clock()
        return entries.withLock { list in
            list.removeAll { $0.fault.expiresAtMillis <= now }
            count.store(list.count, ordering: .relaxed)
            return list.map(\.fault)
        }
    }

    /// The fault this call gets, if any: the first matching fault whose even spread of
    /// `percent` lands on this call (the Nth match of a 10 % fault: every tenth).
    public func fault(for call: @autoclosure () -> FaultedCall) -> Fault? {
        guard !isEmpty else { return nil }
        let facts = call()
        let now = clock()
        return entries.withLock { list -> Fault? in
            list.removeAll { $0.fault.expiresAtMillis <= now }
            count.store(list.count, ordering: .relaxed)
            for index in list.indices where list[index].fault.matches(facts) {
                list[index].seen += 1
                let seen = list[index].seen
                let percent = list[index].fault.percent
                if (seen * percent) / 100 != ((seen - 1) * percent) / 100 { return list[index].fault }
            }
            return nil
        }
    }
}
