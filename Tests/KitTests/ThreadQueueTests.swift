import Foundation
import Kit
import Synchronization
import Testing

@Suite("ThreadQueue: the connection threads' queue")
struct ThreadQueueTests {
    @Test("items from many threads all reach the owning thread, each once, in each sender's order")
    func manySenders() async throws {
        let queue = ThreadQueue<(sender: Int, index: Int)>()
        let received = Mutex<[(Int, Int)]>([])
        let done = DispatchSemaphore(value: 0)
        let owner = Thread {
            var batch: [(sender: Int, index: Int)] = []
            while queue.takeAll(into: &batch) {
                received.withLock { $0 += batch.map { ($0.sender, $0.index) } }
                batch.removeAll(keepingCapacity: true)
            }
            done.signal()
        }
        owner.start()
        DispatchQueue.concurrentPerform(iterations: 8) { sender in
            for index in 0..<500 { _ = queue.submit((sender, index)) }
        }
        queue.close()
        #expect(done.wait(timeout: .now() + 10) == .success, "the owner drains and exits after close")
        let all = received.withLock { $0 }
        #expect(all.count == 8 * 500)
        for sender in 0..<8 {
            #expect(all.filter { $0.0 == sender }.map(\.1) == Array(0..<500))
        }
    }

    @Test("after close a submit is refused, and what was queued before is still taken")
    func closeDrains() {
        let queue = ThreadQueue<Int>()
        #expect(queue.submit(1))
        #expect(queue.submit(2))
        queue.close()
        #expect(!queue.submit(3))
        var batch: [Int] = []
        #expect(queue.takeAll(into: &batch))
        #expect(batch == [1, 2])
        batch.removeAll()
        #expect(!queue.takeAll(into: &batch), "closed and empty: the thread exits")
    }
}
