import Synchronization

/// The demo's data, shared by all requests: a `GraphState` behind a mutex.
/// Each operation holds the lock for one short, non-suspending step.
final class EntityStore: Sendable {
    private let state = Mutex(GraphState())

    /// Runs `body` with exclusive access to the graph.
    func withState<Result: Sendable, Failure: Error>(
        _ body: (inout GraphState) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try state.withLock { (state: inout GraphState) throws(Failure) -> Result in
            try body(&state)
        }
    }
}
