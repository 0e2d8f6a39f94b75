import Foundation
import HTTPClient
import Kit
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A real gateway (`safemut serve`) on the restore: the operator's configuration with the
/// listen address moved to a free loopback port and `DATABASE_URL` pointing at the scratch
/// cluster, probed with one mutation until it is admitted.
final class ScratchGateway: Sendable {
    let port: Int
    private let process: ChildProcess

    /// Writes `scratch/gateway.yaml` (the config with `listen:` replaced) and starts
    /// `binary serve --config` it (blocking only for the spawn).
    static func start(
        binary: String, config: String, databaseURL: String, scratch: String, port: Int
    ) throws(DrillError) -> ScratchGateway {
        guard let data = FileManager.default.contents(atPath: config), let text = String(data: data, encoding: .utf8) else {
            throw DrillError(step: "gateway", code: .gatewayFailed, message: "cannot read the gateway config \(config)")
        }
        let rewritten = Self.relisten(yaml: text, port: port)
        let path = scratch + "/gateway.yaml"
        do {
            try Data(rewritten.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw DrillError(step: "gateway", code: .gatewayFailed, message: "cannot write \(path): \(error)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        let process: ChildProcess
        do {
            process = try ChildProcess(
                name: "gateway", executable: binary, arguments: ["serve", "--config", path], environment: environment,
                logPath: scratch + "/gateway.log")
        } catch {
            throw DrillError(step: "gateway", code: .gatewayFailed, message: error.message)
        }
        return ScratchGateway(port: port, process: process)
    }

    private init(port: Int, process: ChildProcess) {
        self.port = port
        self.process = process
    }

    /// `yaml` with every top-level `listen:` line removed and `listen: 127.0.0.1:PORT` first
    /// (the listen address has no environment variable, and a second `listen:` would be a
    /// duplicate key). Pure.
    static func relisten(yaml: String, port: Int) -> String {
        let kept = yaml.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            !(line.hasPrefix("listen:") || line.hasPrefix("\"listen\":") || line.hasPrefix("'listen':"))
        }
        return "listen: 127.0.0.1:\(port)\n" + kept.joined(separator: "\n")
    }

    /// POSTs `probe` every 250 ms until it is answered 200 or `seconds` pass; returns the
    /// instant of the 200 (drill clock). `gateway_failed` when the gateway exits or never
    /// admits the probe (the message carries the last status or error and the log's tail).
    func admit(
        _ probe: ProbeRequest, seconds: Int64, clock: any DrillClock, lastStatus: inout Int?
    ) async throws(DrillError) -> Int64 {
        let caller: HTTPCaller
        do {
            caller = try HTTPCaller(
                configuration: UpstreamConfiguration(
                    host: "127.0.0.1", port: port, maxIdlePerLoop: 1, maxConnectionsPerLoop: 1, connectTimeoutMs: 1_000, readTimeoutMs: 15_000),
                name: "safemut-drill")
        } catch {
            throw DrillError(step: "gateway", code: .gatewayFailed, message: "cannot start the probe client: \(error)")
        }
        defer { caller.shutdown() }
        var headers = probe.headers
        if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { headers.append(("Content-Type", "application/json")) }
        if !headers.contains(where: { $0.0.lowercased() == "x-request-id" }) {
            headers.append(("X-Request-Id", "drill-" + UUID().uuidString.lowercased()))
        }
        let body = Array(probe.body.serialized.utf8)
        let deadline = clock.nowMicros() + seconds * 1_000_000
        var lastProblem = "no answer yet"
        while clock.nowMicros() < deadline {
            if let status = process.exitStatus {
                throw DrillError(step: "gateway", code: .gatewayFailed, message: "the scratch gateway exited \(status): \(process.outputTail())")
            }
            switch await caller.call(method: "POST", path: probe.path, headers: headers, body: body, idempotent: false, timeoutMilliseconds: 15_000) {
            case .success(let answer):
                let admittedAt = clock.nowMicros()
                lastStatus = answer.status
                if answer.status == 200 { return admittedAt }
                lastProblem = "status \(answer.status): \(String(decoding: answer.body.prefix(500), as: UTF8.self))"
            case .failure(let error):
                lastProblem = "\(error)"
            }
            try? await clock.sleep(milliseconds: 250)
        }
        throw DrillError(
            step: "gateway", code: .gatewayFailed,
            message: "the scratch gateway did not admit the probe within \(seconds) s (last: \(lastProblem)): \(process.outputTail(limit: 1_000))")
    }

    /// SIGTERM (the gateway drains and exits) by PID, then SIGKILL. Blocking.
    func stop() {
        process.stop(first: SIGTERM, grace: 15)
    }
}
