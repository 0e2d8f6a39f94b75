import Kit

/// What walking the audit chain found.
public enum AuditVerification: Sendable, Equatable {
    /// Every row hashes to what the next row and the chain head say; `length` rows, the
    /// last (the head) being `headSeq` with hash `headHash` (record it elsewhere to anchor
    /// the chain: a later verify that reaches the same seq must show the same hash).
    case intact(length: Int64, headHash: [UInt8])
    /// The first place the chain does not hold.
    case broken(AuditChainBreak)

    public var isIntact: Bool {
        if case .intact = self { return true }
        return false
    }
}

/// The first bad row of the audit chain and what is wrong with it.
public struct AuditChainBreak: Sendable, Equatable, CustomStringConvertible {
    public enum Fault: Sendable, Equatable {
        /// The row's hash is not SHA-256 of the previous hash and its own content: the row
        /// was altered after it was written.
        case contentAltered
        /// The row's `prev_hash` is not the previous row's hash (a row was replaced or
        /// re-inserted).
        case previousHashMismatch
        /// Rows `from`…`to` are missing before this row (deleted).
        case missingRows(from: Int64, to: Int64)
        /// The chain head (`audit_chain_head`) says `headSeq` with a hash that is not the
        /// last row's (`lastSeq`): rows were deleted from, added to or rewritten at the end.
        case headMismatch(headSeq: Int64, lastSeq: Int64)
    }

    /// The first row that does not verify (for a head mismatch: the first seq where the
    /// rows and the head disagree).
    public var seq: Int64
    /// The row's action and creation time, when the row exists.
    public var action: String?
    public var createdAtMicros: Int64?
    public var fault: Fault

    public var description: String {
        var text = "seq \(seq)"
        if let action { text += " action \(action)" }
        if let createdAtMicros { text += " created_at \(RFC3339.format(micros: createdAtMicros))" }
        switch fault {
        case .contentAltered:
            text += ": its hash does not match its content (the row was altered)"
        case .previousHashMismatch:
            text += ": its prev_hash is not the previous row's hash (a row was replaced)"
        case .missingRows(let from, let to):
            text += from == to ? ": row \(from) before it is missing (deleted)" : ": rows \(from)…\(to) before it are missing (deleted)"
        case .headMismatch(let headSeq, let lastSeq):
            text += ": the chain head says seq \(headSeq) but the last row is seq \(lastSeq) with another hash (rows deleted, added or rewritten at the end)"
        }
        return text
    }
}
