import Kit

/// Which rows `AuditLog.page` returns: those created at or after `sinceMicros`, optionally
/// of one tenant, oldest first by `seq`, at most `limit`, after `afterSeq` (the cursor of
/// the previous page: `created_at` is set before the chain is locked, so it is not
/// strictly ordered by `seq` and cannot serve as a cursor itself).
public struct AuditPageQuery: Sendable, Equatable {
    public static let maxLimit = 1_000
    public static let defaultLimit = 100

    public var sinceMicros: Int64?
    public var limit: Int
    public var tenant: String?
    public var afterSeq: Int64?

    /// Throws when `limit` is outside 1…`maxLimit`.
    public init(sinceMicros: Int64? = nil, limit: Int = defaultLimit, tenant: String? = nil, afterSeq: Int64? = nil) throws(AuditQueryError) {
        guard (1...Self.maxLimit).contains(limit) else { throw .limit(String(limit)) }
        self.sinceMicros = sinceMicros
        self.limit = limit
        self.tenant = tenant
        self.afterSeq = afterSeq
    }

    /// From the query string of `GET /admin/audit` (`since`, `limit`, `tenant`, `after_seq`);
    /// every parameter is optional, and a present one must be well formed.
    public init(parameters: [String: String]) throws(AuditQueryError) {
        var since: Int64?
        if let text = parameters["since"] {
            guard let micros = RFC3339.parse(text) else { throw .since(text) }
            since = micros
        }
        var limit = Self.defaultLimit
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...Self.maxLimit).contains(value) else { throw .limit(text) }
            limit = value
        }
        var tenant: String?
        if let text = parameters["tenant"] {
            guard !text.isEmpty else { throw .tenant }
            tenant = text
        }
        var afterSeq: Int64?
        if let text = parameters["after_seq"] {
            guard let value = Int64(text), value >= 0 else { throw .afterSeq(text) }
            afterSeq = value
        }
        try self.init(sinceMicros: since, limit: limit, tenant: tenant, afterSeq: afterSeq)
    }
}

/// A malformed audit page request; `message` is what the 400 says.
public enum AuditQueryError: Error, Sendable, Equatable {
    case since(String)
    case limit(String)
    case tenant
    case afterSeq(String)

    public var message: String {
        switch self {
        case .since(let text):
            return "since: expected an RFC 3339 timestamp such as 2026-11-01T00:00:00Z (or a date 2026-11-01), got \"\(text.prefix(64))\""
        case .limit(let text):
            return "limit: expected an integer from 1 to \(AuditPageQuery.maxLimit), got \"\(text.prefix(64))\""
        case .tenant:
            return "tenant: must not be empty"
        case .afterSeq(let text):
            return "after_seq: expected a non-negative integer, got \"\(text.prefix(64))\""
        }
    }
}
