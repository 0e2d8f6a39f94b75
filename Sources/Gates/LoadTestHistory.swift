/// A locust stats-history CSV, or `ops/load-test.sh`'s JSON summary of it, (`locust --headless --csv PREFIX --csv-full-history` writes
/// `PREFIX_stats_history.csv`), the input of gate G5. Each `Aggregated` row is one window:
/// locust's current requests/s, failures/s and response-time percentiles at that second.
public struct LoadTestHistory: Sendable, Equatable {
    public struct Window: Sendable, Equatable {
        public var atMillis: Int64
        public var requestsPerSecond: GateNumber
        public var failuresPerSecond: GateNumber
        /// nil when locust wrote `N/A` (no request finished in the window).
        public var p95Milliseconds: GateNumber?
    }

    public var windows: [Window]

    /// A malformed file, with the line.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    static let required = ["Timestamp", "Name", "Requests/s", "Failures/s", "95%"]

    /// The CSV, or the JSON summary `ops/load-test.sh` writes (a file starting with `{`).
    public static func parse(_ bytes: [UInt8]) throws(Problem) -> LoadTestHistory {
        if bytes.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t") }) == UInt8(ascii: "{") {
            return try parseSummary(bytes)
        }
        // Split on bytes: locust's csv module ends lines with CRLF, and in a Swift String
        // "\r\n" is one Character, which a split on "\n" would never find.
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            Substring(String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self))
        }
        guard let header = lines.first, !header.isEmpty else {
            throw Problem(line: 1, message: "empty file: expected locust's stats-history CSV header")
        }
        let columns = fields(header)
        var index: [String: Int] = [:]
        for name in required {
            guard let position = columns.firstIndex(of: name) else {
                throw Problem(line: 1, message: "no \(name) column: not a locust stats-history CSV (columns: \(columns.prefix(6).joined(separator: ","))…)")
            }
            index[name] = position
        }
        var windows: [Window] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let number = offset + 1
            let row = fields(line)
            guard row.count == columns.count else {
                throw Problem(line: number, message: "\(row.count) fields, the header has \(columns.count)")
            }
            guard row[index["Name"]!] == "Aggregated" else { continue }
            guard let seconds = Int64(row[index["Timestamp"]!]) else {
                throw Problem(line: number, message: "Timestamp '\(row[index["Timestamp"]!])' is not unix seconds")
            }
            guard let requests = GateNumber(text: row[index["Requests/s"]!]), let failures = GateNumber(text: row[index["Failures/s"]!]) else {
                throw Problem(line: number, message: "Requests/s or Failures/s is not a number")
            }
            let p95Text = row[index["95%"]!]
            let p95 = GateNumber(text: p95Text)
            guard p95 != nil || p95Text == "N/A" || p95Text.isEmpty else {
                throw Problem(line: number, message: "95% '\(p95Text)' is neither a number nor N/A")
            }
            windows.append(Window(atMillis: seconds * 1_000, requestsPerSecond: requests, failuresPerSecond: failures, p95Milliseconds: p95))
        }
        guard !windows.isEmpty else { throw Problem(line: lines.count, message: "no Aggregated rows: the run recorded no window") }
        return LoadTestHistory(windows: windows)
    }

    /// The samples of `metric` (`p95_ms`, `error_ratio`), one per window; a window with no
    /// request has no data.
    public func samples(_ metric: GateMetric) -> [GateSample] {
        windows.map { window in
            switch metric {
            case .p95Milliseconds:
                return GateSample(atMillis: window.atMillis, value: window.requestsPerSecond > GateNumber(0) ? window.p95Milliseconds : nil)
            default:
                return GateSample(
                    atMillis: window.atMillis,
                    value: GateNumber.ratio(window.failuresPerSecond.scaled, window.requestsPerSecond.scaled))
            }
        }
    }

    /// Splits a CSV line; locust quotes fields only when they hold a comma.
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let c = iterator.next() {
            if c == "\"" {
                quoted.toggle()
            } else if c == "," && !quoted {
                out.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        out.append(current)
        return out
    }
}
