import Dispatch
import Foundation
import Synchronization

/// Turns POSIX signals into a blocking `next()` for the main thread, through
/// Dispatch signal sources (the default handlers are disabled first, so the
/// process is not killed before the source sees the signal).
final class SignalWaiter: Sendable {
    private let queue = DispatchQueue(label: "safemut.signals")
    private let pending = Mutex<[Int32]>([])
    private let ready = DispatchSemaphore(value: 0)
    private let sources: Mutex<[any DispatchSourceSignal]> = Mutex([])

    init(signals: [Int32]) {
        for signo in signals {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler { [pending, ready] in
                pending.withLock { $0.append(signo) }
                ready.signal()
            }
            source.resume()
            sources.withLock { $0.append(source) }
        }
    }

    /// Blocks until a signal arrives and returns it.
    func next() -> Int32 {
        while true {
            ready.wait()
            if let signo = pending.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                return signo
            }
        }
    }
}
