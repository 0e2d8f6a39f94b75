import Crypto

/// Which upstream a request goes to.
public enum Arm: String, Sendable, Hashable, CaseIterable {
    case stable, canary
}

/// A tenant's place on the canary line: the first four bytes of SHA-256 of its id, big
/// endian, modulo 10,000. Stable across processes, restarts and releases (no seed), and
/// uniform to within 10⁻⁶ (2³² mod 10⁴ is 7,296 of 2³² values).
public enum CanaryBucket {
    public static let count = 10_000

    public static func of(_ tenant: String) -> Int {
        let digest = SHA256Digest.hash(Array(tenant.utf8))
        let word = UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
        return Int(word % UInt32(count))
    }
}

/// The split (SPEC §10): a tenant is on the canary when its bucket is below the weight,
/// so raising the weight only ever adds tenants (a tenant in at 5 % stays in at 25 %) and
/// lowering it to 0 takes every tenant off at once. `include` tenants (internal ones) are
/// on the canary at any weight above 0, `exclude` tenants never; a request without a
/// tenant goes to stable.
public struct CanarySplit: Sendable, Equatable {
    /// Basis points of the bucket line, 0...10,000 (percent × 100).
    public var weightBasisPoints: Int
    public var include: Set<String>
    public var exclude: Set<String>

    public init(weightBasisPoints: Int, include: Set<String> = [], exclude: Set<String> = []) {
        self.weightBasisPoints = min(max(weightBasisPoints, 0), CanaryBucket.count)
        self.include = include
        self.exclude = exclude
    }

    public static let off = CanarySplit(weightBasisPoints: 0)

    /// A whole percent, as the stages are written.
    public init(percent: Int, include: Set<String> = [], exclude: Set<String> = []) {
        self.init(weightBasisPoints: percent * 100, include: include, exclude: exclude)
    }

    /// The arm of a request: `forced` (from `X-Canary`, already checked against the
    /// caller's roles) wins while the canary is on; otherwise the tenant's bucket decides.
    public func arm(tenant: String?, forced: Arm? = nil) -> Arm {
        guard weightBasisPoints > 0 else { return .stable }
        if let forced { return forced }
        guard let tenant, !exclude.contains(tenant) else { return .stable }
        if include.contains(tenant) { return .canary }
        return CanaryBucket.of(tenant) < weightBasisPoints ? .canary : .stable
    }
}

/// `X-Canary: canary | stable`, read for callers whose role may force an arm (synthetic
/// checks). Anything else is a typed refusal rather than a silent default.
public enum CanaryForcing {
    public static let header = "X-Canary"

    public enum Problem: Error, Sendable, Equatable {
        case notAllowed
        case badValue(String)
        case repeated
    }

    /// Nil when the header is absent.
    public static func read(_ values: [String], roles: Set<String>, allowedRoles: Set<String>) -> Result<Arm?, Problem> {
        guard let value = values.first else { return .success(nil) }
        guard values.count == 1 else { return .failure(.repeated) }
        guard let arm = Arm(rawValue: value.lowercased()) else { return .failure(.badValue(value)) }
        guard !roles.isDisjoint(with: allowedRoles) else { return .failure(.notAllowed) }
        return .success(arm)
    }
}
