import Downshift

/// What the downshift step asks of the ladder (SPEC §12): the tier in force and its policy
/// (in memory, no I/O), whether a tenant was active before the tier began (tier 5, a ledger
/// lookup, cached per tier), and where refusals are counted.
public protocol DownshiftGate: Sendable {
    var tier: DownshiftTier { get }
    var table: TierTable { get }
    /// nil when the ledger cannot say (protect then treats the tenant as new).
    func tenantKnownBeforeTier(_ tenant: String) async -> Bool?
    func refused(tier: DownshiftTier, reason: String)
    /// `Retry-After` of a refusal, in seconds.
    var retryAfterSeconds: Int { get }
}
