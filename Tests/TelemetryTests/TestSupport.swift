import Foundation
import Logging
import Synchronization
@testable import Telemetry

/// Collects lines a sink receives.
final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])

    var sink: LogSink {
        LogSink { line in self.lines.withLock { $0.append(line) } }
    }

    var all: [String] { lines.withLock { $0 } }

    /// The lines parsed as JSON objects; a line that is not one becomes an empty dictionary.
    var objects: [[String: Any]] {
        all.map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }
    }
}

/// A logger with a JSON handler at a fixed clock, writing into `collector`.
func jsonLogger(
    _ collector: LineCollector, control: LogLevelControl = LogLevelControl(.trace), label: String = "test",
    provider: Logger.MetadataProvider? = nil, epochMilliseconds: Int64 = 1_735_787_045_678
) -> Logger {
    Logger(label: label) { label in
        JSONLogHandler(label: label, level: control, sink: collector.sink, metadataProvider: provider, now: { epochMilliseconds })
    }
}

struct SampleError: Error, CustomStringConvertible {
    var description: String { "upstream reset" }
}
