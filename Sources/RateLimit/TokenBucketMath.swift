import Config

/// The bucket arithmetic of `TokenBucketScript`, in Swift: the reference the script is
/// tested against, and the rounding of waits into `Retry-After`. Amounts are micro-tokens,
/// times microseconds; all integers, so nothing drifts.
public enum TokenBucketMath {
    public static let microsPerToken = TokenRate.microsPerToken

    /// One bucket as stored: tokens left and when they were counted.
    public struct State: Sendable, Equatable {
        public var tokens: Int64
        public var last: Int64

        public init(tokens: Int64, last: Int64) {
            self.tokens = tokens
            self.last = last
        }
    }

    /// A bucket's shape and what this request takes from it.
    public struct Bucket: Sendable, Equatable {
        public var capacity: Int64
        public var rate: TokenRate
        public var cost: Int64

        public init(capacity: Int64, rate: TokenRate, cost: Int64) {
            self.capacity = capacity
            self.rate = rate
            self.cost = cost
        }

        /// `burst` whole tokens, taking `tokens` whole tokens, at most the whole bucket (so a
        /// request that names one field more times than the burst still passes when it is full).
        public init(burst: Int, rate: TokenRate, tokens: Int) {
            let capacity = Int64(burst) * microsPerToken
            self.init(capacity: capacity, rate: rate, cost: min(capacity, Int64(tokens) * microsPerToken))
        }
    }

    /// What one all-or-nothing take decided.
    public enum Verdict: Sendable, Equatable {
        /// Every bucket gave its cost; the states to store.
        case allowed([State])
        /// Bucket `index` (0-based) is the one that needs longest, `wait` microseconds; nothing taken.
        case denied(index: Int, wait: Int64)
    }

    /// Tokens in a bucket at `now`: a missing one is full; refill saturates at the capacity;
    /// a clock that went back refills nothing.
    public static func level(_ state: State?, _ bucket: Bucket, now: Int64) -> Int64 {
        guard let state else { return bucket.capacity }
        let elapsed = now - state.last
        guard elapsed > 0 else { return min(state.tokens, bucket.capacity) }
        let seconds = elapsed / 1_000_000
        let rest = elapsed % 1_000_000
        let (wholePart, o1) = elapsed.multipliedReportingOverflow(by: bucket.rate.whole)
        let (fractionPart, o2) = seconds.multipliedReportingOverflow(by: bucket.rate.fraction)
        let restPart = rest * bucket.rate.fraction / 1_000_000
        if o1 || o2 { return bucket.capacity }
        let (sum, o3) = state.tokens.addingReportingOverflow(wholePart)
        let (total, o4) = sum.addingReportingOverflow(fractionPart + restPart)
        return o3 || o4 ? bucket.capacity : min(total, bucket.capacity)
    }

    /// Microseconds until a bucket at `level` holds `cost`, rounded up.
    public static func wait(from level: Int64, to cost: Int64, rate: TokenRate) -> Int64 {
        guard level < cost else { return 0 }
        let need = cost - level
        return (need * 1_000_000 + rate.microsPerSecond - 1) / rate.microsPerSecond
    }

    /// Takes every bucket's cost at `now`, or nothing when one is short.
    public static func take(_ states: [State?], _ buckets: [Bucket], now: Int64) -> Verdict {
        let levels = zip(states, buckets).map { level($0, $1, now: now) }
        var short: (index: Int, wait: Int64)?
        for (index, bucket) in buckets.enumerated() where levels[index] < bucket.cost {
            let needed = wait(from: levels[index], to: bucket.cost, rate: bucket.rate)
            if needed > (short?.wait ?? 0) { short = (index, needed) }
        }
        if let short { return .denied(index: short.index, wait: short.wait) }
        return .allowed(zip(levels, buckets).map { State(tokens: $0 - $1.cost, last: now) })
    }

    /// Milliseconds until a bucket left with `tokens` is full again, plus one: its key's TTL.
    public static func refillMillis(tokens: Int64, _ bucket: Bucket) -> Int64 {
        ((bucket.capacity - tokens) * 1_000 + bucket.rate.microsPerSecond - 1) / bucket.rate.microsPerSecond + 1
    }

    /// A wait in whole milliseconds, rounded up.
    public static func waitMillis(_ waitMicros: Int64) -> Int64 {
        (waitMicros + 999) / 1_000
    }
}
