/// A fixed set of event loops, one per core by default.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]

    public init(count: Int, namePrefix: String = "loop") throws(SocketError) {
        var loops: [EventLoop] = []
        for i in 0..<max(1, count) {
            loops.append(try EventLoop(name: "\(namePrefix)-\(i)"))
        }
        self.loops = loops
        for loop in loops { loop.start() }
    }

    /// Stops every loop and waits for their threads to finish.
    public func shutdown() {
        for loop in loops { loop.stop() }
        for loop in loops { loop.waitUntilStopped() }
    }
}
