import Ports
import Config
import Testing
@testable import RateLimit

/// The bucket arithmetic alone: literal states and instants, no Redis.
@Suite("Token bucket arithmetic")
struct BucketMathTests {
    typealias Math = TokenBucketMath
    static let token = TokenRate.microsPerToken

    static func bucket(burst: Int, perSecond: String, tokens: Int = 1) -> Math.Bucket {
        Math.Bucket(burst: burst, rate: TokenRate(parsing: perSecond)!, tokens: tokens)
    }

    @Test("a missing bucket is full")
    func missingIsFull() {
        #expect(Math.level(nil, Self.bucket(burst: 20, perSecond: "1"), now: 1_000) == 20 * Self.token)
    }

    @Test("refill is rate × elapsed, exactly, for whole and decimal rates", arguments: [
        ("1", Int64(1_500_000), Int64(1_500_000)),       // 1.5 s at 1/s: 1.5 tokens
        ("2", Int64(250_000), Int64(500_000)),           // 0.25 s at 2/s: 0.5 tokens
        ("0.5", Int64(3_000_000), Int64(1_500_000)),     // 3 s at 0.5/s: 1.5 tokens
        ("0.333333", Int64(3_000_000), Int64(999_999)),  // three seconds of a third
        ("2.5", Int64(1_400_001), Int64(3_500_002)),     // fraction part floors the last micro-token
    ])
    func refill(rate: String, elapsed: Int64, expected: Int64) {
        let bucket = Self.bucket(burst: 100, perSecond: rate)
        let state = Math.State(tokens: 0, last: 10_000_000)
        #expect(Math.level(state, bucket, now: 10_000_000 + elapsed) == expected)
    }

    @Test("refill stops at the burst, even after years or a clock jump")
    func burstCap() {
        let bucket = Self.bucket(burst: 20, perSecond: "1000000")
        let state = Math.State(tokens: 3 * Self.token, last: 0)
        #expect(Math.level(state, bucket, now: 5_000_000) == 20 * Self.token)
        #expect(Math.level(state, bucket, now: Int64.max / 2) == 20 * Self.token, "no overflow")
    }

    @Test("a clock that went back refills nothing; a lowered burst caps stored tokens")
    func clockBackAndLowerBurst() {
        let bucket = Self.bucket(burst: 5, perSecond: "1")
        #expect(Math.level(Math.State(tokens: 2 * Self.token, last: 9_000_000), bucket, now: 8_000_000) == 2 * Self.token)
        #expect(Math.level(Math.State(tokens: 50 * Self.token, last: 9_000_000), bucket, now: 9_000_000) == 5 * Self.token)
    }

    @Test("Retry-After is the wait in whole seconds rounded up, at least 1", arguments: [
        (Int64(0), Int64(1)), (Int64(1), Int64(1)), (Int64(999_999), Int64(1)), (Int64(1_000_000), Int64(1)),
        (Int64(1_000_001), Int64(2)), (Int64(2_500_000), Int64(3)),
    ])
    func retryAfter(wait: Int64, seconds: Int64) {
        #expect(RateLimitDenial.retryAfterSeconds(waitMicros: wait) == seconds)
    }

    @Test("the wait is the time to refill the missing part, rounded up to a microsecond")
    func wait() {
        let rate = TokenRate(parsing: "3")!
        // A third of a token short at 3/s: 1/9 s = 111,111.1 µs → 111,112.
        #expect(Math.wait(from: Self.token * 2 / 3, to: Self.token, rate: rate) == 111_112)
        #expect(Math.wait(from: Self.token, to: Self.token, rate: rate) == 0)
        #expect(Math.waitMillis(111_112) == 112)
    }

    @Test("all or nothing: one short bucket takes nothing from the others, and the longest wait is named")
    func allOrNothing() {
        let buckets = [Self.bucket(burst: 10, perSecond: "1"), Self.bucket(burst: 2, perSecond: "1"), Self.bucket(burst: 2, perSecond: "0.5")]
        let now: Int64 = 100_000_000
        let states: [Math.State?] = [nil, Math.State(tokens: 500_000, last: now), Math.State(tokens: 0, last: now)]
        #expect(Math.take(states, buckets, now: now) == .denied(index: 2, wait: 2_000_000))
        let full: [Math.State?] = [nil, nil, nil]
        guard case .allowed(let after) = Math.take(full, buckets, now: now) else {
            Issue.record("full buckets must allow")
            return
        }
        #expect(after == [
            Math.State(tokens: 9 * Self.token, last: now), Math.State(tokens: Self.token, last: now), Math.State(tokens: Self.token, last: now),
        ])
    }

    @Test("a field named more times than its burst costs the whole bucket, not forever")
    func costClampedToBurst() {
        let bucket = Math.Bucket(burst: 3, rate: TokenRate(wholePerSecond: 1), tokens: 7)
        #expect(bucket.cost == 3 * Self.token)
        #expect(Math.take([nil], [bucket], now: 1) == .allowed([Math.State(tokens: 0, last: 1)]))
    }

    @Test("a key lives until its bucket would be full again")
    func ttl() {
        let bucket = Self.bucket(burst: 20, perSecond: "1")
        #expect(Math.refillMillis(tokens: 19 * Self.token, bucket) == 1_001)
        #expect(Math.refillMillis(tokens: 0, bucket) == 20_001)
    }

    @Test("rates parse exactly into micro-tokens and print back", arguments: [
        ("1", Int64(1_000_000), "1"), ("0.5", Int64(500_000), "0.5"), ("2.25", Int64(2_250_000), "2.25"),
        ("0.000001", Int64(1), "0.000001"), ("1_000", Int64(1_000_000_000), "1000"), ("1000000", Int64(1_000_000_000_000), "1000000"),
    ])
    func rateParsing(text: String, micros: Int64, shown: String) {
        let rate = TokenRate(parsing: text)
        #expect(rate?.microsPerSecond == micros)
        #expect(rate?.description == shown)
    }

    @Test("rates out of range or with too many decimals do not parse", arguments: [
        "0", "0.0", "0.0000001", "1000000.5", "-1", "1.", ".5", "1e3", "abc", "", "1.2.3",
    ])
    func badRates(text: String) {
        #expect(TokenRate(parsing: text) == nil)
    }
}
