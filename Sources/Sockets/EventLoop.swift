#if canImport(Glibc)
import Glibc
import CSystem
#endif
import Synchronization

/// An object that owns a file descriptor registered with an `EventLoop`.
/// Called on the loop's thread only.
public protocol EventHandler: AnyObject {
    /// `events` is the epoll mask (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP).
    func handleEvent(_ events: UInt32)
}

/// One epoll loop on one dedicated OS thread.
///
/// Why its own thread and not Dispatch queues: every descriptor of a
/// connection (the client socket and its upstream socket) lives on one loop,
/// so a proxied request never changes threads and needs no locks; the
/// gateway runs one loop per core (see docs/architecture.md).
///
/// `@unchecked Sendable`: everything except `pending` and `threadID` is only
/// touched on the loop's own thread (checked with `assertInLoop()` in
/// debug builds); `pending` is guarded by a `Mutex` and `threadID` is atomic.
/// Other threads talk to the loop only through `execute(_:)`.
public final class EventLoop: @unchecked Sendable {  // guarded: loop-thread confinement + Mutex/Atomic (see above)
    public let name: String
    private let epfd: Int32
    private let wakeFD: Int32
    private let pending = Mutex<[@Sendable () -> Void]>([])
    private let threadID = Atomic<UInt>(0)
    private let stopping = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)

    // Loop-thread state.
    private var handlers: [(any EventHandler)?] = []
    private var timers = TimerHeap()
    private var timerCallbacks: [UInt64: () -> Void] = [:]
    private var nextTimerID: UInt64 = 1
    private var iterationObservers: [() -> Void] = []
    /// The monotonic time at the start of the current iteration (cheap "now").
    public private(set) var now: UInt64 = Syscall.monotonicNanos()

    public init(name: String) throws(SocketError) {
        self.name = name
        self.epfd = try Syscall.epollCreate()
        self.wakeFD = try Syscall.eventFD()
        try Syscall.epollControl(epfd, EPOLL_CTL_ADD, wakeFD, events: EPOLLIN.rawValue)
    }

    deinit {
        Syscall.close(epfd)
        Syscall.close(wakeFD)
    }

    /// Whether the caller runs on this loop's thread.
    public var inEventLoop: Bool {
        threadID.load(ordering: .acquiring) == UInt(bitPattern: Int(bitPattern: UInt(pthread_self())))
    }

    /// Debug-only check that loop-confined state is touched on its thread.
    @inline(__always)
    public func assertInLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(inEventLoop, "must run on event loop \(name)", file: file, line: line)
    }

    /// Runs `task` on the loop's thread (soon, in FIFO order). Callable from any thread.
    /// From the loop itself no wake-up is needed (pending tasks run before the
    /// loop waits again), which saves two syscalls per task the gateway starts.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let wasEmpty = pending.withLock { queue -> Bool in
            queue.append(task)
            return queue.count == 1
        }
        if wasEmpty && !inEventLoop { Syscall.eventFDSignal(wakeFD) }
    }

    /// Registers `fd` for `events` (level-triggered); `handler` is kept until `unregister`.
    public func register(_ fd: Int32, events: UInt32, handler: any EventHandler) throws(SocketError) {
        assertInLoop()
        let index = Int(fd)
        if index >= handlers.count { handlers.append(contentsOf: repeatElement(nil, count: index - handlers.count + 64)) }
        handlers[index] = handler
        try Syscall.epollControl(epfd, EPOLL_CTL_ADD, fd, events: events)
    }

    /// Changes the interest set of a registered `fd`.
    public func modify(_ fd: Int32, events: UInt32) throws(SocketError) {
        assertInLoop()
        try Syscall.epollControl(epfd, EPOLL_CTL_MOD, fd, events: events)
    }

    /// Forgets `fd` (call before closing it).
    public func unregister(_ fd: Int32) {
        assertInLoop()
        _ = try? Syscall.epollControl(epfd, EPOLL_CTL_DEL, fd, events: 0)
        if Int(fd) < handlers.count { handlers[Int(fd)] = nil }
    }

    /// Calls `callback` on the loop after `nanoseconds`; returns an id for `cancelTimer`.
    @discardableResult
    public func scheduleTimer(afterNanos nanoseconds: UInt64, _ callback: @escaping () -> Void) -> UInt64 {
        assertInLoop()
        let id = nextTimerID
        nextTimerID += 1
        timerCallbacks[id] = callback
        timers.push(deadline: Syscall.monotonicNanos() &+ nanoseconds, id: id)
        return id
    }

    /// Cancels a timer that has not fired yet (no effect otherwise).
    public func cancelTimer(_ id: UInt64) {
        assertInLoop()
        timerCallbacks[id] = nil
    }

    /// Calls `observer` at the end of every loop iteration, after I/O events,
    /// tasks and timers. The server uses it to coalesce a response's writes
    /// (head, body, pipelined answers) into one `send`.
    public func addIterationObserver(_ observer: @escaping () -> Void) {
        assertInLoop()
        iterationObservers.append(observer)
    }

    /// Starts the loop on a new OS thread.
    public func start() {
        let thread = LoopThread(loop: self)
        thread.start()
    }

    /// Asks the loop to exit after the current iteration; `waitUntilStopped` waits for it.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        Syscall.eventFDSignal(wakeFD)
    }

    /// Blocks the caller until the loop thread has finished (bounded polling).
    public func waitUntilStopped(timeoutNanos: UInt64 = 10_000_000_000) {
        let deadline = Syscall.monotonicNanos() &+ timeoutNanos
        while !finished.withLock({ $0 }) && Syscall.monotonicNanos() < deadline {
            usleep(1_000)
        }
    }

    /// The loop body; runs on the loop thread until `stop()`.
    func run() {
        threadID.store(UInt(bitPattern: Int(bitPattern: UInt(pthread_self()))), ordering: .releasing)
        let capacity: Int32 = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(capacity))
        defer {
            events.deallocate()
            finished.withLock { $0 = true }
        }
        while !stopping.load(ordering: .acquiring) {
            let timeout = nextTimeoutMs()
            let count: Int
            do {
                count = try Syscall.epollWait(epfd, events, max: capacity, timeoutMs: timeout)
            } catch {
                // epoll_wait only fails on programming errors (EBADF/EINVAL); stop rather than spin.
                break
            }
            now = Syscall.monotonicNanos()
            for i in 0..<count {
                let event = events[i]
                let fd = event.data.fd
                if fd == wakeFD {
                    Syscall.eventFDDrain(wakeFD)
                    continue
                }
                if Int(fd) < handlers.count, let handler = handlers[Int(fd)] {
                    handler.handleEvent(event.events)
                }
            }
            runPendingTasks()
            fireTimers()
            for observer in iterationObservers { observer() }
        }
    }

    private func runPendingTasks() {
        // Bounded batches so a flood of tasks cannot starve I/O.
        for _ in 0..<8 {
            let tasks = pending.withLock { queue -> [@Sendable () -> Void] in
                let taken = queue
                queue.removeAll(keepingCapacity: true)
                return taken
            }
            if tasks.isEmpty { return }
            for task in tasks { task() }
        }
    }

    private func fireTimers() {
        let current = Syscall.monotonicNanos()
        while let top = timers.peek(), top.deadline <= current {
            timers.pop()
            if let callback = timerCallbacks.removeValue(forKey: top.id) {
                callback()
            }
        }
    }

    private func nextTimeoutMs() -> Int32 {
        if !pending.withLock({ $0.isEmpty }) { return 0 }
        while let top = timers.peek(), timerCallbacks[top.id] == nil { timers.pop() }
        guard let top = timers.peek() else { return 1000 }
        let current = Syscall.monotonicNanos()
        if top.deadline <= current { return 0 }
        return Int32(min(1000, (top.deadline - current) / 1_000_000 + 1))
    }
}

/// The OS thread that runs one loop.
private final class LoopThread: Sendable {
    let loop: EventLoop
    init(loop: EventLoop) { self.loop = loop }

    func start() {
        let box = Unmanaged.passRetained(self)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            let me = Unmanaged<LoopThread>.fromOpaque(raw).takeRetainedValue()
            me.loop.run()
            return nil
        }, box.toOpaque())
        if rc == 0 {
            pthread_detach(thread)
        } else {
            box.release()
        }
    }
}

/// A binary min-heap of (deadline, id); cancelled ids are skipped lazily.
struct TimerHeap {
    private var items: [(deadline: UInt64, id: UInt64)] = []

    func peek() -> (deadline: UInt64, id: UInt64)? { items.first }

    mutating func push(deadline: UInt64, id: UInt64) {
        items.append((deadline, id))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if items[parent].deadline <= items[child].deadline { break }
            items.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count && items[left].deadline < items[smallest].deadline { smallest = left }
            if right < items.count && items[right].deadline < items[smallest].deadline { smallest = right }
            if smallest == parent { return }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

/// A value that may only be used on one event loop, carried across threads
/// so that work can hop back to it with `loop.execute`.
///
/// `@unchecked Sendable`: the wrapped value is read only through `value`,
/// which asserts (debug) that the caller is on `loop`'s thread.
public struct LoopBound<Value>: @unchecked Sendable {  // guarded: unwrapped only on its loop (asserted)
    public let loop: EventLoop
    private let wrapped: Value

    public init(_ value: Value, loop: EventLoop) {
        self.loop = loop
        self.wrapped = value
    }

    public var value: Value {
        loop.assertInLoop()
        return wrapped
    }
}
