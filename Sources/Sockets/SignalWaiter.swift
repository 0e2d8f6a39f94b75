import Dispatch
import Foundation
import Synchronization

/// Turns POSIX signals into a blocking `next()` for the main thread, through
/// Dispatch signal sources (the default handlers are disabled first, so the
/// process is not killed before the source sees the signal).
public final class SignalWaiter {
    /// What the signal handlers share with `next()`.
    private final class Inbox: Sendable {
        let pending = Mutex<[Int32]>([])
        let ready = DispatchSemaphore(value: 0)
    }

    private let queue = DispatchQueue(label: "safemut.signals")
    private let inbox = Inbox()
    private var sources: [any DispatchSourceSignal] = []

    /// Holds the Dispatch sources for as long as the waiter lives: a source
    /// that is released stops delivering, and the signal is then lost.
    public init(signals: [Int32]) {
        for signo in signals {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            let inbox = self.inbox
            source.setEventHandler {
                inbox.pending.withLock { $0.append(signo) }
                inbox.ready.signal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until a signal arrives and returns it.
    public func next() -> Int32 {
        while true {
            inbox.ready.wait()
            if let signo = inbox.pending.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                return signo
            }
        }
    }
}
