import Kit

/// What happened to one compensation in a `safemut compensate` run.
public enum ReplayOutcome: Sendable, Equatable {
    /// Dry run: it would be sent.
    case wouldReplay
    /// The upstream applied it; the row is `replayed`.
    case replayed(status: Int)
    /// The upstream refused it, or it is malformed; the row is `failed`.
    case failed(String)
    /// It was sent but no definite answer came back (timeout, reset, 502/503/504): the row
    /// stays `pending`, and a re-run sends it again under the same `Idempotency-Key`.
    case unconfirmed(String)
    /// Destructive and `--approve-destructive` not given; nothing sent, the row stays `pending`.
    case refusedDestructive([String])
    /// Another run holds it, or it is no longer pending.
    case skipped(String)
    /// Nothing was sent (no connection); the row stays `pending` and the run stops.
    case upstreamUnreachable(String)

    /// A short word for the printed line and the audit row.
    public var label: String {
        switch self {
        case .wouldReplay: return "would replay"
        case .replayed: return "replayed"
        case .failed: return "failed"
        case .unconfirmed: return "unconfirmed"
        case .refusedDestructive: return "refused"
        case .skipped: return "skipped"
        case .upstreamUnreachable: return "not sent"
        }
    }

    /// Whether the run as a whole should report failure (exit 1) for this one.
    public var isProblem: Bool {
        switch self {
        case .wouldReplay, .replayed, .skipped: return false
        case .failed, .unconfirmed, .refusedDestructive, .upstreamUnreachable: return true
        }
    }

    /// How the upstream's answer settles a replay: a 2xx without GraphQL `errors` is applied;
    /// a gateway or availability error (502/503/504) may or may not have been; anything else
    /// is a refusal.
    static func judge(status: Int, body: [UInt8]) -> ReplayOutcome {
        if [502, 503, 504].contains(status) {
            return .unconfirmed("upstream answered \(status)")
        }
        guard (200..<300).contains(status) else {
            return .failed("upstream answered \(status): \(snippet(body))")
        }
        guard let value = try? JSONValue.parse(body), value.objectMembers != nil else {
            return .failed("upstream answered \(status) with a body that is not a JSON object: \(snippet(body))")
        }
        if let errors = value["errors"]?.arrayValue, !errors.isEmpty {
            let message = errors.first?["message"]?.stringValue ?? "(no message)"
            return .failed("GraphQL error: \(message)" + (errors.count > 1 ? " (+\(errors.count - 1) more)" : ""))
        }
        return .replayed(status: status)
    }

    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return body.count > 200 ? text + "…" : text
    }
}

/// The tally of a run.
public struct ReplaySummary: Sendable, Equatable {
    public var read = 0
    public var outcomes: [String: Int] = [:]
    /// True when the run stopped early because the upstream could not be reached.
    public var stoppedEarly = false

    public var hasProblems: Bool { outcomes.contains { $0.value > 0 && Self.problemLabels.contains($0.key) } }
    static let problemLabels: Set<String> = ["failed", "unconfirmed", "refused", "not sent"]

    mutating func count(_ outcome: ReplayOutcome) {
        outcomes[outcome.label, default: 0] += 1
    }

    public var line: String {
        let order = ["would replay", "replayed", "refused", "failed", "unconfirmed", "skipped", "not sent"]
        let parts = order.compactMap { label in outcomes[label].map { "\($0) \(label)" } }
        return "\(read) pending read" + (parts.isEmpty ? "" : "; " + parts.joined(separator: ", "))
            + (stoppedEarly ? "; stopped: the upstream is unreachable" : "")
    }
}
