import Kit

/// The JSON summary `ops/load-test.sh` writes (`loadtest/summary.json`), the same windows as
/// locust's stats-history CSV with the run's totals beside them:
/// `{"format":"safemut-loadtest-summary","version":1,"windows":[{"at":1767225600,
/// "requests_per_second":50.0,"failures_per_second":0.1,"p95_ms":640}],"totals":{…}}`.
/// `p95_ms` is null in a window where no request finished.
extension LoadTestHistory {
    static let summaryFormat = "safemut-loadtest-summary"

    static func parseSummary(_ bytes: [UInt8]) throws(Problem) -> LoadTestHistory {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw Problem(line: 1, message: "not JSON: \(error.explanation)")
        }
        guard value["format"]?.stringValue == summaryFormat else {
            throw Problem(line: 1, message: "not a load-test summary: \"format\" must be \"\(summaryFormat)\"")
        }
        guard let list = value["windows"]?.arrayValue else { throw Problem(line: 1, message: "no \"windows\" array") }
        var windows: [Window] = []
        for (index, window) in list.enumerated() {
            func number(_ key: String) throws(Problem) -> GateNumber {
                guard let text = window[key]?.numberText, let number = GateNumber(text: text) else {
                    throw Problem(line: 1, message: "windows[\(index)].\(key) must be a number")
                }
                return number
            }
            guard let at = window["at"]?.int64Value else { throw Problem(line: 1, message: "windows[\(index)].at must be unix seconds") }
            let p95: GateNumber?
            if window["p95_ms"]?.isNull ?? true {
                p95 = nil
            } else {
                p95 = try number("p95_ms")
            }
            windows.append(Window(
                atMillis: at * 1_000, requestsPerSecond: try number("requests_per_second"),
                failuresPerSecond: try number("failures_per_second"), p95Milliseconds: p95))
        }
        guard !windows.isEmpty else { throw Problem(line: 1, message: "no windows: the run recorded none") }
        return LoadTestHistory(windows: windows)
    }
}
