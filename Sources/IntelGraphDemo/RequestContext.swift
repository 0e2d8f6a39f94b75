import Foundation
import Synchronization

/// What one GraphQL request's resolvers share: who is asking, and a record
/// of what the executed root fields cost and how to undo them.
final class RequestContext: Sendable {
    /// The request's `X-Tenant` (or the default tenant).
    let tenant: String
    private let clock: @Sendable () -> Date
    // Query root fields may resolve concurrently, so the record is locked.
    private let record = Mutex(ExecutionRecord())

    init(tenant: String, clock: @escaping @Sendable () -> Date) {
        self.tenant = tenant
        self.clock = clock
    }

    /// RFC 3339 time for a new record.
    func now() -> String {
        clock().formatted(.iso8601)
    }

    /// Adds what a root field cost.
    func charge(_ cost: FieldCost) {
        record.withLock { $0.cost = $0.cost.adding(cost) }
    }

    /// Appends the inverse of one mutation root field (possibly no steps).
    func recordInverse(_ steps: [CompensationStep]) {
        record.withLock { $0.inverses.append(steps) }
    }

    /// The total so far.
    var cost: FieldCost {
        record.withLock { $0.cost }
    }

    /// The inverse of everything done, last field first; nil when nothing
    /// needs undoing (reads, `SafeNoop`, failed fields).
    var compensation: Compensation? {
        let steps = record.withLock { record in
            record.inverses.reversed().flatMap { $0 }
        }
        return steps.isEmpty ? nil : Compensation(steps: steps)
    }
}

/// Totals kept while one request executes.
struct ExecutionRecord: Sendable {
    var cost = FieldCost.zero
    /// One entry per mutation root field that succeeded, in execution order.
    var inverses: [[CompensationStep]] = []
}
