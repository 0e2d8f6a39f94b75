import Foundation

/// A queue of work items for one dedicated thread (a Postgres or Redis connection's):
/// callers `submit` from any thread; the owning thread takes everything queued at once with
/// `takeAll`, which sleeps while the queue is empty and answers false once it is closed and
/// drained. Two buffers are swapped under the lock, so taking a batch is O(1) and neither
/// reallocates once warm; a submit signals only while the thread sleeps.
public final class ThreadQueue<Item: Sendable>: @unchecked Sendable {
    // @unchecked: `pending`, `parked` and `closed` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var pending: [Item] = []
    /// True while the owning thread sleeps on `condition`: only then does a submit signal.
    private var parked = false
    private var closed = false

    public init() {}

    /// Enqueues `item`; false when the queue is closed (the item was not taken).
    public func submit(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        pending.append(item)
        if parked { condition.signal() }
        return true
    }

    /// Stops accepting items; the owning thread still drains what is queued.
    public func close() {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        if parked { condition.signal() }
    }

    /// The owning thread's wait: replaces `batch` (which must be empty) with everything
    /// queued, sleeping while nothing is. False when the queue is closed and empty: the
    /// thread should clean up and exit.
    public func takeAll(into batch: inout [Item]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty && !closed {
            parked = true
            condition.wait()
            parked = false
        }
        if pending.isEmpty { return false }
        swap(&batch, &pending)
        return true
    }
}
