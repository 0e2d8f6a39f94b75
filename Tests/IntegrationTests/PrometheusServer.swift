import Foundation
import TestSupport

/// A real Prometheus (Debian's `/usr/bin/prometheus`, or `$PROMETHEUS`) on a free loopback
/// port with throw-away storage, scraping one safemut every second and evaluating the
/// repository's `monitoring/*.rules.yml` every second. Stopped by PID when released.
final class PrometheusServer: Sendable {
    let port: Int
    let process: ManagedProcess
    let directory: String

    /// `extraRules`: a rule file's text evaluated beside the repository's (a test's own alerts).
    init(scrapePort: Int, extraRules: String? = nil) throws {
        let directory = NSTemporaryDirectory() + "safemut-prometheus-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        if let extraRules { try extraRules.write(toFile: directory + "/extra.rules.yml", atomically: true, encoding: .utf8) }
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - \(Binaries.repositoryRoot)/monitoring/*.rules.yml
            \(extraRules == nil ? "" : "  - \(directory)/extra.rules.yml")
            scrape_configs:
              - job_name: safemut
                static_configs:
                  - targets: ["127.0.0.1:\(scrapePort)"]
            """
        try config.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        let executable = ProcessInfo.processInfo.environment["PROMETHEUS"] ?? "/usr/bin/prometheus"
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw HarnessError.missingBinary(executable) }
        let port = Ports.free()
        let process = try ManagedProcess(
            name: "prometheus", executable: executable,
            arguments: [
                "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--storage.tsdb.retention.time=1h",
            ],
            currentDirectory: directory)
        self.port = port
        self.process = process
        self.directory = directory
        try Ports.waitUntilListening(port, timeout: 60, process: process)
    }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// One series of an instant query: its labels and its value as Prometheus wrote it.
    struct Series: Sendable {
        let labels: [String: String]
        let value: String
    }

    /// An instant query's answer: `status` is `success` or `error` (then `error` says why).
    struct QueryResult: Sendable {
        let status: String
        let error: String?
        let series: [Series]
    }

    /// An alert as `GET /api/v1/alerts` lists it (state: pending or firing).
    struct Alert: Sendable {
        let labels: [String: String]
        let state: String
    }

    /// `GET /api/v1/query?query=…` at the current time.
    func query(_ expression: String) throws -> QueryResult {
        let object = try get("/api/v1/query", ["query": expression])
        let data = object["data"] as? [String: Any]
        let result = data?["result"] as? [[String: Any]] ?? []
        let series = result.map { item in
            Series(
                labels: item["metric"] as? [String: String] ?? [:],
                value: (item["value"] as? [Any])?.last as? String ?? "")
        }
        return QueryResult(status: object["status"] as? String ?? "", error: object["error"] as? String, series: series)
    }

    /// `GET /api/v1/alerts`: pending and firing alerts.
    func alerts() throws -> [Alert] {
        let object = try get("/api/v1/alerts", [:])
        let alerts = (object["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
        return alerts.map { Alert(labels: $0["labels"] as? [String: String] ?? [:], state: $0["state"] as? String ?? "") }
    }

    /// `GET /api/v1/rules`: each rule's name and health (`ok`, `unknown` before its first
    /// evaluation, `err` with `lastError`).
    func ruleHealth() throws -> [(name: String, health: String, error: String)] {
        let object = try get("/api/v1/rules", [:])
        let groups = (object["data"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
        return groups.flatMap { group in
            (group["rules"] as? [[String: Any]] ?? []).map {
                ($0["name"] as? String ?? "", $0["health"] as? String ?? "", $0["lastError"] as? String ?? "")
            }
        }
    }

    /// A GET through `curl` (parameters URL-encoded by `--data-urlencode`), decoded as a JSON object.
    private func get(_ path: String, _ parameters: [String: String]) throws -> [String: Any] {
        var arguments = ["-sS", "--max-time", "10", "-G", "http://127.0.0.1:\(port)\(path)"]
        for (name, value) in parameters { arguments += ["--data-urlencode", "\(name)=\(value)"] }
        let output = try Self.run("/usr/bin/curl", arguments)
        guard output.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        else {
            throw HarnessError.setupFailed("prometheus \(path) \(parameters): \(output.stdout)")
        }
        return object
    }

    /// Runs a short command to completion; its status and standard output.
    static func run(_ executable: String, _ arguments: [String], stdinFile: String? = nil) throws -> (status: Int32, stdout: String) {
        let outcome = try DataCommand.run(executable, arguments, input: stdinFile)
        return (outcome.status, outcome.output)
    }
}
