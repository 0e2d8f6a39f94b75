import Kit
import Contract
import Postgres

/// The refusals of the budget admin routes, each in the SPEC §1 error shape.
public enum BudgetAdminReply {
    public static func notFound(_ message: String) -> AdminReply {
        AdminReply(Rejection(.notFound, message))
    }

    public static func forbidden(_ message: String) -> AdminReply {
        AdminReply(Rejection(.forbidden, message))
    }

    /// 409: the override is not in a state that allows the change. SPEC §1 has no code for
    /// it, so the body carries `CONFLICT` in the same shape.
    public static func conflict(_ message: String, details: KeyValuePairs<String, JSONValue> = [:]) -> AdminReply {
        error(status: 409, code: "CONFLICT", message, details: details)
    }

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

    public static func error(status: Int, code: String, _ message: String, details: KeyValuePairs<String, JSONValue> = [:]) -> AdminReply {
        var extensions = [JSONMember("code", .string(code))]
        extensions += details.map { JSONMember($0.key, $0.value) }
        let body = JSONValue.members([
            "errors": .array([.members(["message": .string(message), "extensions": .object(extensions)])]),
        ])
        return AdminReply(status: status, json: body)
    }
}
