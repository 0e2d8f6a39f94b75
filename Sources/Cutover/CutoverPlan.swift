/// The stages of a cutover and what each needs before it is left (SPEC §10, seed 003).
public struct CutoverPlan: Sendable, Equatable {
    /// Canary weights in whole percent, strictly increasing, each in 1...100, the last 100.
    public var stages: [Int]
    /// How long a stage holds (green, conclusive) before it may be promoted, in seconds.
    public var holdSeconds: Int64
    /// Promote by itself after a green hold; otherwise an operator promotes.
    public var autoPromote: Bool
    /// Roll back by itself when the judge fails the canary.
    public var autoRollback: Bool
    /// Stage index → the roles whose sign-off the stage needs before it is left, one
    /// distinct person per role (never the one who started the cutover).
    public var signOffs: [Int: [String]]
    /// Stage index → the go/no-go gates (SPEC §11) that must PASS in a recent run before
    /// the stage is left.
    public var gates: [Int: [String]]

    public init(
        stages: [Int], holdSeconds: Int64, autoPromote: Bool, autoRollback: Bool, signOffs: [Int: [String]] = [:],
        gates: [Int: [String]] = [:]
    ) {
        self.stages = stages
        self.holdSeconds = holdSeconds
        self.autoPromote = autoPromote
        self.autoRollback = autoRollback
        self.signOffs = signOffs
        self.gates = gates
    }

    /// `canary.gates` items over `stages`: `G1` binds every stage that is left for a higher
    /// weight, `50:G7` only the stage at 50 %; an item naming no stage of the plan binds none.
    public static func gates(requirements: [String], stages: [Int]) -> [Int: [String]] {
        var out: [Int: [String]] = [:]
        for item in requirements {
            let parts = item.split(separator: ":").map(String.init)
            let id = parts.last ?? item
            for index in stages.indices.dropLast() where parts.count == 1 || Int(parts[0]) == stages[index] {
                if !(out[index] ?? []).contains(id) { out[index, default: []].append(id) }
            }
        }
        return out
    }

    /// Seed 003's owners: 5→25 SRE; 25→50 product owner and tech lead; 50→100 SRE and security.
    public static let seedSignOffs: [Int: [String]] = [0: ["sre"], 1: ["product_owner", "tech_lead"], 2: ["sre", "security_admin"]]

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case outOfRange(Int)
        case notIncreasing(Int, Int)
        case endsBelow100(Int)
        case badHold(Int64)
        case signOffForMissingStage(Int)

        public var description: String {
            switch self {
            case .empty: return "canary.stages is empty"
            case .outOfRange(let weight): return "canary stage \(weight) is outside 1…100"
            case .notIncreasing(let a, let b): return "canary stages must increase: \(b) follows \(a)"
            case .endsBelow100(let last): return "canary stages must end at 100, not \(last)"
            case .badHold(let seconds): return "canary.hold must be positive, not \(seconds) s"
            case .signOffForMissingStage(let index): return "a sign-off names stage \(index + 1), which the plan does not have"
            }
        }
    }

    /// The plan, or the first thing wrong with it.
    public func validated() -> Result<CutoverPlan, Problem> {
        guard let first = stages.first, let last = stages.last else { return .failure(.empty) }
        for weight in stages where !(1...100).contains(weight) { return .failure(.outOfRange(weight)) }
        var previous = first
        for weight in stages.dropFirst() {
            guard weight > previous else { return .failure(.notIncreasing(previous, weight)) }
            previous = weight
        }
        guard last == 100 else { return .failure(.endsBelow100(last)) }
        guard holdSeconds > 0 else { return .failure(.badHold(holdSeconds)) }
        for index in signOffs.keys.sorted() where !stages.indices.contains(index) {
            return .failure(.signOffForMissingStage(index))
        }
        return .success(self)
    }

    /// `5,25,50,100` as the CLI and the admin API take it.
    public static func stages(parsing text: String) -> [Int]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        var stages: [Int] = []
        for part in parts {
            guard let value = Int(part.trimmingWhitespace()) else { return nil }
            stages.append(value)
        }
        return stages
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
