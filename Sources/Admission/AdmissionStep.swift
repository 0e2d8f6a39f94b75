import Contract
import Kit
/// One check a request passes before it is forwarded (identify, parse,
/// persisted query, budget declaration, four-eyes, rate, debit…).
/// A step either lets the request continue or rejects it with one typed
/// `Rejection`; it may enrich the context for the steps after it, and register a post
/// phase (`RequestContext.onCompletion`) that hears how the request ended.
public protocol AdmissionStep: Sendable {
    /// Bounded, stable name, used as a metric label and in logs.
    var name: String { get }
    func admit(_ context: inout RequestContext) async -> StepOutcome
}

/// What a step decided.
public enum StepOutcome: Sendable, Equatable {
    case `continue`
    case reject(Rejection)
    /// Answer with this response instead of forwarding (not a rejection).
    case answer(StoredAnswer)
}

/// How a run of the chain ended.
public enum PipelineVerdict: Sendable, Equatable {
    case admit
    case reject(step: String, Rejection)
    case answer(step: String, StoredAnswer)
}

/// The ordered chain of steps, built once from config. The whole admission
/// policy is this list; the first rejection wins.
public struct AdmissionPipeline: Sendable {
    public let steps: [any AdmissionStep]

    public init(_ steps: [any AdmissionStep]) {
        self.steps = steps
    }

    /// With no steps the gateway skips the hop to a task entirely.
    public var isEmpty: Bool { steps.isEmpty }

    /// Runs the steps in order until one rejects or answers.
    /// `observe` hears each step's name and duration (for the per-step latency histogram).
    /// `scoped` (while a drill's faults are in force): each step runs with `CallScope.current`
    /// set to what is known of the request so far, so a tenant's fault reaches its calls only.
    public func run(
        _ context: inout RequestContext, scoped: Bool = false, observe: (String, Duration) -> Void = { _, _ in }
    ) async -> PipelineVerdict {
        let clock = ContinuousClock()
        for step in steps {
            let start = clock.now
            let outcome: StepOutcome
            if scoped {
                outcome = await CallScope.$current.withValue(context.callScope) { await step.admit(&context) }
            } else {
                outcome = await step.admit(&context)
            }
            observe(step.name, clock.now - start)
            switch outcome {
            case .continue: continue
            case .reject(let rejection):
                await Self.undo(&context)
                return .reject(step: step.name, rejection)
            case .answer(let answer):
                await Self.undo(&context)
                return .answer(step: step.name, answer)
            }
        }
        return .admit
    }

    /// A step refused: the steps before it give back what they took, newest first.
    private static func undo(_ context: inout RequestContext) async {
        for completion in context.takeCompletions().reversed() { await completion.refused() }
    }
}
