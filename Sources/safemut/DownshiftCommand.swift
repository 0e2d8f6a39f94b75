import ArgumentParser
import Config
import Foundation
import Kit

/// `safemut downshift set|status|auto`: the cost downshift ladder on a running gateway's
/// `/admin/downshift` (SPEC §12), with the cutover commands' caller and exit codes (0 done;
/// 1 refused by role; 2 bad arguments or a 400; 3 the gateway or its Postgres unreachable).
struct DownshiftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "downshift", abstract: "Set or show the cost downshift tier (0 normal … 6 emergency).",
        subcommands: [DownshiftSet.self, DownshiftStatus.self, DownshiftAuto.self])
}

/// `set --tier 3 --reason "…" [--ttl 60m]`: a manual tier, which wins over the automatic one.
struct DownshiftSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Set a tier by hand (audited).")
    @OptionGroup var target: CutoverTarget
    @Option(help: "0 normal, 1 observe, 2 throttle, 3 shed, 4 degrade, 5 protect, 6 emergency.") var tier: Int
    @Option(help: "How long: 30m, 2h (default: until changed; at most downshift.max_ttl_minutes).") var ttl: String?

    func run() async throws {
        guard target.reason != nil else { CutoverTarget.fail("--reason is required (it goes to the audit log)", code: 2) }
        var members = [JSONMember("tier", .number(String(tier)))]
        if let ttl {
            guard let duration = Duration(operatorText: ttl), duration.components.seconds >= 60 else {
                CutoverTarget.fail("--ttl must be whole minutes or hours such as 30m or 2h, not \(ttl)", code: 2)
            }
            members.append(JSONMember("ttl_minutes", .number(String(duration.components.seconds / 60))))
        }
        try await target.send("PUT", "/admin/downshift", body: target.withReason(members))
    }
}

struct DownshiftStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The tier in force, manual and automatic, the budgets' burn.")
    @OptionGroup var target: CutoverTarget

    func run() async throws { try await target.send("GET", "/admin/downshift") }
}

/// `auto --reason "…"`: ends a manual tier; the money burn decides again.
struct DownshiftAuto: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "auto", abstract: "Hand the tier back to the automatic ladder.")
    @OptionGroup var target: CutoverTarget

    func run() async throws {
        guard target.reason != nil else { CutoverTarget.fail("--reason is required (it goes to the audit log)", code: 2) }
        try await target.send("PUT", "/admin/downshift", body: target.withReason([JSONMember("auto", .bool(true))]))
    }
}
