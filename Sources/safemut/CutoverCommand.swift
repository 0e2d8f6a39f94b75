import ArgumentParser
import Config
import Cutover
import Foundation
import HTTPClient
import Kit

/// `safemut cutover execute|status|promote|pause|resume|rollback|sign-off|kill-switch`: the
/// seed's `igctl cutover …` against a running gateway's `/admin/cutover*` routes (SPEC §10),
/// so the CLI, the API and the judge follow one set of rules and one audit trail.
///
/// The gateway is `--gateway` (default: the config's `listen`). The caller is a bearer
/// token from `SAFEMUT_ADMIN_TOKEN` (JWT mode), or, for a gateway in `identity.mode:
/// headers`, `--user` and `--roles`. Replies are printed as the API's JSON.
///
/// Exit codes: 0 done; 1 refused by the cutover's rules (409) or the caller's role (401,
/// 403); 2 bad arguments or a 400; 3 the gateway or its Postgres unreachable (503).
struct CutoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cutover",
        abstract: "Drive a canary cutover on a running gateway (start, status, promote, rollback, kill switch).",
        subcommands: [
            CutoverExecute.self, CutoverStatus.self, CutoverPromote.self, CutoverPause.self, CutoverResume.self,
            CutoverRollback.self, CutoverSignOff.self, CutoverKillSwitch.self,
        ])
}

/// Who calls which gateway; shared by every cutover subcommand.
struct CutoverTarget: ParsableArguments {
    @OptionGroup var options: ConfigOptions

    @Option(help: "The gateway, http://host:port (default: the config's listen address).")
    var gateway: String?

    @Option(help: "Caller id, for a gateway in identity.mode headers (default: cli:<OS user>).")
    var user: String?

    @Option(help: "Caller roles, comma-separated, for a gateway in identity.mode headers (default: sre).")
    var roles: String = "sre"

    @Option(help: "Why, kept in the history and the audit log.")
    var reason: String?

    func send(_ method: String, _ path: String, body: JSONValue? = nil) async throws {
        let env = ProcessInfo.processInfo.environment
        let endpoint: HTTPEndpoint
        if let gateway {
            guard let parsed = HTTPEndpoint(parsing: gateway) else { Self.fail("--gateway must be http://host:port, not \(gateway)", code: 2) }
            endpoint = parsed
        } else {
            do {
                let config = try SafemutConfig.load(path: options.resolvedPath, environment: env, cpuCount: 1)
                guard let parsed = HTTPEndpoint(parsing: "http://\(config.listen.description)") else { Self.fail("no listen address", code: 2) }
                endpoint = parsed
            } catch {
                Self.fail("\(error)", code: 2)
            }
        }
        let caller: HTTPCaller
        do {
            caller = try HTTPCaller(
                configuration: UpstreamConfiguration(
                    host: endpoint.host, port: endpoint.port, basePath: endpoint.basePath, maxIdlePerLoop: 1, maxConnectionsPerLoop: 1,
                    connectTimeoutMs: 5_000, readTimeoutMs: 30_000),
                name: "safemut-cutover")
        } catch {
            Self.fail("\(error)", code: 3)
        }
        defer { caller.shutdown() }
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let token = env["SAFEMUT_ADMIN_TOKEN"], !token.isEmpty {
            headers.append(("Authorization", "Bearer \(token)"))
        } else {
            headers += [
                ("X-User-Id", user ?? "cli:\(env["USER"] ?? "unknown")"), ("X-Roles", roles), ("X-Tenant", "ops"),
            ]
        }
        let bytes = body.map { Array($0.serialized.utf8) } ?? []
        let answer: HTTPCaller.Answer
        switch await caller.call(method: method, path: path, headers: headers, body: bytes, idempotent: method == "GET", timeoutMilliseconds: 30_000) {
        case .success(let got): answer = got
        case .failure(let error): Self.fail("the gateway at \(endpoint) did not answer: \(error)", code: 3)
        }
        print(String(decoding: answer.body, as: UTF8.self))
        switch answer.status {
        case 200..<300: return
        case 400: throw ExitCode(2)
        case 401, 403, 409: throw ExitCode(1)
        default: throw ExitCode(3)
        }
    }

    func withReason(_ members: [JSONMember]) -> JSONValue {
        .object(members + (reason.map { [JSONMember("reason", .string($0))] } ?? []))
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("safemut cutover: \(message)\n".utf8))
        Foundation.exit(code)
    }
}

/// `execute --strategy canary --stages 5,25,50,100 [--hold 20m] [--auto-rollback] [--auto-promote]`.
struct CutoverExecute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "execute", abstract: "Start a cutover at its first stage.")
    @OptionGroup var target: CutoverTarget
    @Option(help: "Only canary.") var strategy: String = "canary"
    @Option(help: "Canary weights in percent, increasing, ending at 100 (default: canary.stages).") var stages: String?
    @Option(help: "Hold per stage: 90s, 20m, 1h (default: canary.hold).") var hold: String?
    @Flag(help: "Roll back by itself when the judge fails the canary.") var autoRollback = false
    @Flag(help: "Promote by itself after a green hold with its sign-offs.") var autoPromote = false

    func run() async throws {
        var members = [JSONMember("strategy", .string(strategy))]
        if let stages {
            guard let parsed = CutoverPlan.stages(parsing: stages) else { CutoverTarget.fail("--stages must be like 5,25,50,100", code: 2) }
            members.append(JSONMember("stages", .array(parsed.map { .number(String($0)) })))
        }
        if let hold {
            // The gateway takes whole seconds from 1 s to 7 days, as canary.hold does.
            guard let duration = Duration(operatorText: hold), duration >= .seconds(1), duration.components.attoseconds == 0 else {
                CutoverTarget.fail("--hold must be like 90s, 20m or 1h", code: 2)
            }
            members.append(JSONMember("hold_seconds", .number(String(duration.components.seconds))))
        }
        if autoRollback { members.append(JSONMember("auto_rollback", .bool(true))) }
        if autoPromote { members.append(JSONMember("auto_promote", .bool(true))) }
        try await target.send("POST", "/admin/cutover", body: target.withReason(members))
    }
}

struct CutoverStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Print the cutover's state, verdicts and history.")
    @OptionGroup var target: CutoverTarget
    func run() async throws { try await target.send("GET", "/admin/cutover") }
}

struct CutoverPromote: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "promote", abstract: "Promote to the next stage (the hold, the judge and the sign-offs must allow it).")
    @OptionGroup var target: CutoverTarget
    func run() async throws { try await target.send("POST", "/admin/cutover/promote", body: target.withReason([])) }
}

struct CutoverPause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Hold the current stage (no automatic promotion).")
    @OptionGroup var target: CutoverTarget
    func run() async throws { try await target.send("POST", "/admin/cutover/pause", body: target.withReason([])) }
}

struct CutoverResume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused stage (its hold starts again).")
    @OptionGroup var target: CutoverTarget
    func run() async throws { try await target.send("POST", "/admin/cutover/resume", body: target.withReason([])) }
}

/// `rollback --to last-stable --confirm`.
struct CutoverRollback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback", abstract: "Weight 0 on every replica now.")
    @OptionGroup var target: CutoverTarget
    @Option(help: "Only last-stable.") var to: String = "last-stable"
    @Flag(help: "Required: a rollback is never an accident.") var confirm = false
    func run() async throws {
        guard confirm else { CutoverTarget.fail("a rollback needs --confirm", code: 2) }
        try await target.send("POST", "/admin/cutover/rollback", body: target.withReason([
            JSONMember("to", .string(to)), JSONMember("confirm", .bool(true)),
        ]))
    }
}

struct CutoverSignOff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign-off", abstract: "Sign off the current stage as one of its owners.")
    @OptionGroup var target: CutoverTarget
    func run() async throws { try await target.send("POST", "/admin/cutover/approvals", body: .object([])) }
}

/// `kill-switch --enable false --reason "…"`: `canary.enable=false` at run time.
struct CutoverKillSwitch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kill-switch", abstract: "canary.enable=false (weight 0 at once) or true again.")
    @OptionGroup var target: CutoverTarget
    @Option(help: "false engages the kill switch; true releases it.") var enable: Bool
    func run() async throws {
        guard let reason = target.reason else { CutoverTarget.fail("the kill switch needs --reason", code: 2) }
        try await target.send("PUT", "/admin/cutover/kill-switch", body: .object([
            JSONMember("enable", .bool(enable)), JSONMember("reason", .string(reason)),
        ]))
    }
}
