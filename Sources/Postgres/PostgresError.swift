/// A failure from the Postgres client: what kind (so callers can decide), the
/// server's SQLSTATE when there is one, and the server's or libpq's message.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The families callers branch on. `server` is any other SQLSTATE.
    public enum Kind: String, Sendable, CaseIterable {
        /// `DATABASE_URL` could not be parsed by libpq.
        case invalidConfiguration
        /// No connection could be made (refused, DNS, TLS required but absent, …).
        case connectFailed
        /// Password or other authentication rejected (SQLSTATE 28P01/28000).
        case authenticationFailed
        /// The database in the URL does not exist (SQLSTATE 3D000).
        case unknownDatabase
        /// The connection died before or while running the statement
        /// (socket closed, server shut down: SQLSTATE class 08, 57P01–57P03).
        case connectionLost
        case uniqueViolation        // 23505
        case foreignKeyViolation    // 23503
        case notNullViolation       // 23502
        case checkViolation         // 23514
        case serializationFailure   // 40001
        case deadlockDetected       // 40P01
        /// Statement timeout or cancel request (SQLSTATE 57014).
        case queryCanceled
        case lockNotAvailable       // 55P03
        case syntaxError            // 42601
        /// The statement raised an exception (SQLSTATE P0001), e.g. a refusing trigger.
        case raisedException
        /// Any other server error; see `sqlState`.
        case server
        /// A value could not be decoded into the requested Swift type.
        case decoding
        /// No pooled connection became free within the acquire timeout.
        case poolTimeout
        /// The pool was closed.
        case poolClosed
    }

    public var kind: Kind
    /// Five-character SQLSTATE from the server, when the server sent one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character position of the error in the statement text (syntax errors).
    public var position: Int?
    public var constraint: String?

    public init(
        _ kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil,
        hint: String? = nil, position: Int? = nil, constraint: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.constraint = constraint
    }

    public var description: String {
        var text = "PostgresError.\(kind.rawValue)"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }

    /// The kind a server SQLSTATE belongs to.
    public static func kind(forSQLState state: String) -> Kind {
        switch state {
        case "23505": return .uniqueViolation
        case "23503": return .foreignKeyViolation
        case "23502": return .notNullViolation
        case "23514": return .checkViolation
        case "40001": return .serializationFailure
        case "40P01": return .deadlockDetected
        case "57014": return .queryCanceled
        case "55P03": return .lockNotAvailable
        case "42601": return .syntaxError
        case "P0001": return .raisedException
        case "28P01", "28000": return .authenticationFailed
        case "3D000": return .unknownDatabase
        case "57P01", "57P02", "57P03": return .connectionLost
        default:
            return state.hasPrefix("08") ? .connectionLost : .server
        }
    }

    /// Classifies a connection-time failure from libpq's message, which carries
    /// no SQLSTATE accessor. The server's messages are matched in English (the
    /// `lc_messages` default); anything else is `connectFailed`.
    static func connectFailure(_ message: String) -> PostgresError {
        let kind: Kind
        if message.contains("password authentication failed") || message.contains("no password supplied")
            || message.contains("authentication failed")
        {
            kind = .authenticationFailed
        } else if message.contains("database \"") && message.contains("does not exist") {
            kind = .unknownDatabase
        } else {
            kind = .connectFailed
        }
        return PostgresError(kind, message: message.trimmingTrailingWhitespace())
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
