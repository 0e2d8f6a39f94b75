import Postgres

extension PostgresError {
    /// True when the failure is about reaching Postgres at all (not one statement's fault),
    /// so a pass stops instead of failing every remaining tenant the same way.
    var isUnreachable: Bool {
        switch kind {
        case .connectFailed, .connectionLost, .authenticationFailed, .unknownDatabase, .poolTimeout, .poolClosed,
             .invalidConfiguration:
            return true
        default:
            return false
        }
    }

    /// Deadlocks and serialization failures: the transaction may simply be run again.
    var isRetryable: Bool {
        kind == .deadlockDetected || kind == .serializationFailure
    }
}
