/// How the allowlist treats a document that is not on it (`PQ_PHASE`).
public enum AllowlistPhase: String, Sendable, Hashable, CaseIterable, Codable {
    /// Not checked.
    case off
    /// Counted and logged as a violation, then allowed.
    case log
    /// Rejected with `PERSISTED_QUERY_NOT_ALLOWED`.
    case enforce
}
