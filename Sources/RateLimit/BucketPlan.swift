import Ports
import Config
import Redis

/// The buckets one mutation takes from: its tenant's (one token) and one per distinct root
/// field (one token per occurrence, so aliases do not multiply a field's allowance). Root
/// field names come from the parsed document, not the client-chosen operation name, so
/// renaming an operation changes nothing.
extension RateClassLimits {
    /// The refill rates × `perMille` ÷ 1000 (the downshift throttle), bursts unchanged; at
    /// least one micro-token a second, so a bucket always refills.
    func scaled(perMille: Int) -> RateClassLimits {
        guard perMille != 1_000 else { return self }
        var scaled = self
        let factor = Int64(max(1, perMille))
        scaled.tenantPerSecond = TokenRate(microsPerSecond: max(1, tenantPerSecond.microsPerSecond * factor / 1_000))
        scaled.operationPerSecond = TokenRate(microsPerSecond: max(1, operationPerSecond.microsPerSecond * factor / 1_000))
        return scaled
    }
}

struct BucketPlan: Sendable {
    struct Entry: Sendable {
        let key: String
        let scope: RateLimitDenial.Scope
        let field: String?
        let burst: Int
        let bucket: TokenBucketMath.Bucket
    }

    let entries: [Entry]

    init(tenant: String, fields: [String], limits: RateClassLimits) {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for field in fields {
            if counts[field] == nil { order.append(field) }
            counts[field, default: 0] += 1
        }
        var entries = [Entry(
            key: RateLimitKeys.tenant(tenant), scope: .tenant, field: nil, burst: limits.tenantBurst,
            bucket: .init(burst: limits.tenantBurst, rate: limits.tenantPerSecond, tokens: 1))]
        for field in order {
            entries.append(Entry(
                key: RateLimitKeys.operation(tenant, field: field), scope: .operation, field: field, burst: limits.operationBurst,
                bucket: .init(burst: limits.operationBurst, rate: limits.operationPerSecond, tokens: counts[field] ?? 1)))
        }
        self.entries = entries
    }

    var keys: [RedisArgument] { entries.map { RedisArgument($0.key) } }

    /// Four integers per key: capacity, whole tokens per second, fraction per second, cost.
    var arguments: [RedisArgument] {
        entries.flatMap { entry in
            [entry.bucket.capacity, entry.bucket.rate.whole, entry.bucket.rate.fraction, entry.bucket.cost].map { RedisArgument($0) }
        }
    }

    /// The denial for the script's `{0, i, wait}` (1-based `i`), or nil when `i` is out of range.
    func denial(index: Int64, waitMicros: Int64) -> RateLimitDenial? {
        guard index >= 1, index <= Int64(entries.count) else { return nil }
        let entry = entries[Int(index) - 1]
        return RateLimitDenial(
            scope: entry.scope, field: entry.field, burst: entry.burst, rate: entry.bucket.rate.description, waitMicros: waitMicros)
    }
}
