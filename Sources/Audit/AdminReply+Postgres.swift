import Contract
import Postgres

/// Admin replies for Postgres failures: every admin area keeps its state in Postgres.
extension AdminReply {
    /// A Postgres failure: unreachable or overloaded is `DEPENDENCY_UNAVAILABLE` (503);
    /// anything else is a bug or a schema mismatch, reported as 500 `INTERNAL_ERROR`
    /// with the server's message (admin callers are operators, not the public).
    public static func database(_ error: PostgresError) -> AdminReply {
        switch error.kind {
        case .connectFailed, .connectionLost, .poolTimeout, .poolClosed, .queryCanceled, .authenticationFailed,
             .unknownDatabase, .invalidConfiguration, .serializationFailure, .deadlockDetected, .lockNotAvailable:
            return .unavailable("the budget database is unavailable: \(error)")
        default:
            return Self.error(status: 500, code: "INTERNAL_ERROR", "the budget database refused the change: \(error)")
        }
    }

    /// Any error thrown out of a transaction body: a reply we threw to roll back, a
    /// Postgres error, or (never expected) something else.
    public static func from(_ error: any Error) -> AdminReply {
        if let reply = error as? AdminReply { return reply }
        if let postgres = error as? PostgresError { return database(postgres) }
        return Self.error(status: 500, code: "INTERNAL_ERROR", "unexpected error: \(error)")
    }
}
