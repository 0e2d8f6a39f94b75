import Foundation
import Logging
import Synchronization
import Testing
@testable import Telemetry

@Suite("Whole lines under concurrency")
struct ConcurrentWriteTests {
    @Test("8 tasks × 500 lines through a pipe: every line whole and valid JSON, none lost")
    func concurrentWritersThroughPipe() async throws {
        let pipe = Pipe()
        let sink = LogSink.fileDescriptor(pipe.fileHandleForWriting.fileDescriptor)
        let control = LogLevelControl(.info)
        // Some lines are longer than the pipe's 64 KiB buffer, so the kernel must take them in
        // several partial writes; only the sink's lock keeps other lines out of the middle.
        let padding = String(repeating: "x", count: 100_000)

        // A dedicated thread drains the pipe, so writers never wait on the cooperative pool.
        let output = Mutex<Data?>(nil)
        let reader = Thread {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            output.withLock { $0 = data }
        }
        reader.start()

        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let logger = Logger(label: "writer.\(task)") { JSONLogHandler(label: $0, level: control, sink: sink) }
                    for index in 0..<500 {
                        let pad = index.isMultiple(of: 50) ? padding : ""
                        logger.info("line \"quoted\"\n", metadata: ["task": "\(task)", "index": "\(index)", "pad": "\(pad)"])
                    }
                }
            }
        }
        try pipe.fileHandleForWriting.close()

        let deadline = ContinuousClock.now + .seconds(30)
        var data: Data?
        while data == nil, ContinuousClock.now < deadline {
            data = output.withLock { $0 }
            if data == nil { await Task.yield() }
        }
        let bytes = try #require(data, "reader did not finish")
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        #expect(lines.last?.isEmpty == true, "output must end with a newline")
        let objects = lines.dropLast().compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
        }
        #expect(lines.count - 1 == 4_000)
        #expect(objects.count == 4_000)
        var seen = Set<String>()
        for object in objects {
            seen.insert("\(object["task"] as? String ?? "?")/\(object["index"] as? String ?? "?")")
        }
        #expect(seen.count == 4_000)
    }
}
