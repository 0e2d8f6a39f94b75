import ArgumentParser
import Foundation
import Kit

/// `safemut chaos enable|disable|status` (the seed's `chaos:enable` / `chaos:disable`): injected
/// faults on a running gateway's `/admin/chaos/faults` (SPEC §13), with the cutover commands'
/// caller and exit codes (0 done; 1 refused by role or in production; 2 bad arguments or a
/// 400; 3 the gateway unreachable). In headers mode pass `--roles security_admin` (or admin).
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos", abstract: "Inject, list and clear faults on a running gateway (drills).",
        subcommands: [ChaosEnable.self, ChaosDisable.self, ChaosStatus.self])
}

/// `enable --target upstream --kind abort --percent 10 [--status 503] [--delay-ms 200] [--sqlstate 40001] [--tenant T]
/// [--operation mutation] [--arm canary] --ttl 15m --reason "…"`.
struct ChaosEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Inject one fault (audited; expires by itself).")
    @OptionGroup var target: CutoverTarget
    @Option(name: .customLong("target"), help: "upstream, postgres or redis.") var faultTarget = "upstream"
    @Option(help: "upstream: delay, abort, error, reset, truncate; postgres: delay, error, reset; redis: delay, error, reset, timeout.")
    var kind: String
    @Option(help: "1–100: the share of matching calls.") var percent = 100
    @Option(name: .customLong("delay-ms"), help: "For delay: milliseconds.") var delayMs: Int?
    @Option(help: "For an upstream abort or error: the status the client gets.") var status: Int?
    @Option(help: "For a Postgres error: the SQLSTATE (default 53300).") var sqlstate: String?
    @Option(help: "Only this cutover arm: stable or canary.") var arm: String?
    @Option(help: "Only this tenant.") var tenant: String?
    @Option(help: "Only this operation type or root field.") var operation: String?
    @Option(help: "How long: 15m, 1h (at most chaos.max_ttl_minutes).") var ttl: String

    func run() async throws {
        guard target.reason != nil else { CutoverTarget.fail("--reason is required (it goes to the audit log)", code: 2) }
        guard let duration = Duration(operatorText: ttl), duration.components.seconds >= 60 else {
            CutoverTarget.fail("--ttl must be whole minutes or hours such as 15m or 1h, not \(ttl)", code: 2)
        }
        var members = [
            JSONMember("target", .string(faultTarget)), JSONMember("kind", .string(kind)), JSONMember("percent", .number(String(percent))),
            JSONMember("ttl_minutes", .number(String(duration.components.seconds / 60))),
        ]
        if let delayMs { members.append(JSONMember("delay_ms", .number(String(delayMs)))) }
        if let status { members.append(JSONMember("status", .number(String(status)))) }
        if let sqlstate { members.append(JSONMember("sqlstate", .string(sqlstate))) }
        if let arm { members.append(JSONMember("arm", .string(arm))) }
        if let tenant { members.append(JSONMember("tenant", .string(tenant))) }
        if let operation { members.append(JSONMember("operation", .string(operation))) }
        try await target.send("POST", "/admin/chaos/faults", body: target.withReason(members))
    }
}

struct ChaosDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Clear one fault (--id) or all.")
    @OptionGroup var target: CutoverTarget
    @Option(help: "The fault's id (default: every fault).") var id: String?

    func run() async throws {
        try await target.send("DELETE", "/admin/chaos/faults" + (id.map { "/\($0)" } ?? ""))
    }
}

struct ChaosStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The faults in force.")
    @OptionGroup var target: CutoverTarget

    func run() async throws { try await target.send("GET", "/admin/chaos/faults") }
}
