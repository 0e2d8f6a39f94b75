/// One arm's requests over a sliding window of whole seconds: a ring of per-second
/// buckets (count, errors, latency histogram, cost, security violations), so a window's
/// figures are a sum over its seconds and old seconds fall out as the clock moves. Both
/// arms are judged over the same seconds (Kayenta's rule), never from scrapes.
public struct ArmWindow: Sendable, Equatable {
    /// Latency bucket upper bounds in microseconds, 5 % apart from 100 µs to 60 s, then +∞:
    /// fine enough that a p95 read from the buckets is within 5 % of the true one, so a
    /// 1.2× rule does not trip on two arms that differ by a few per cent.
    public static let boundsMicros: [Int64] = {
        var bounds: [Int64] = []
        var bound: Int64 = 100
        while bound < 60_000_000 {
            bounds.append(bound)
            bound += max(1, bound / 20)
        }
        bounds.append(60_000_000)
        bounds.append(Int64.max)
        return bounds
    }()

    /// What one second (or a sum of seconds) holds.
    public struct Tally: Sendable, Equatable {
        public var requests: Int64 = 0
        public var errors: Int64 = 0
        public var securityViolations: Int64 = 0
        /// Requests that reported a cost, and its sum in micro-dollars.
        public var costed: Int64 = 0
        public var costMicros: Int64 = 0
        public var latency = [Int64](repeating: 0, count: ArmWindow.boundsMicros.count)

        public init() {}

        mutating func add(_ other: Tally) {
            requests += other.requests
            errors += other.errors
            securityViolations += other.securityViolations
            costed += other.costed
            costMicros += other.costMicros
            for index in latency.indices { latency[index] += other.latency[index] }
        }

        /// Errors ÷ requests in parts per million (nil without requests).
        public var errorRatioPPM: Int64? { requests > 0 ? errors * 1_000_000 / requests : nil }

        /// Micro-dollars per costed request (nil when none reported a cost).
        public var costPerRequestMicros: Int64? { costed > 0 ? costMicros / costed : nil }

        /// The p-th quantile (per mille, 950 = p95) in microseconds, linearly interpolated
        /// inside its bucket as Prometheus' histogram_quantile does; nil without requests.
        public func quantileMicros(perMille: Int64) -> Int64? {
            let total = latency.reduce(0, +)
            guard total > 0 else { return nil }
            let rank = (total * perMille + 999) / 1_000
            var seen: Int64 = 0
            for (index, count) in latency.enumerated() {
                if count > 0, seen + count >= rank {
                    let lower = index == 0 ? 0 : ArmWindow.boundsMicros[index - 1]
                    let upper = ArmWindow.boundsMicros[index]
                    // The open last bucket reports its lower bound (as Prometheus does).
                    guard upper != Int64.max else { return lower }
                    return lower + (upper - lower) * (rank - seen) / count
                }
                seen += count
            }
            return ArmWindow.boundsMicros[ArmWindow.boundsMicros.count - 2]
        }
    }

    /// How many seconds the ring keeps: the longest rule window.
    public let seconds: Int
    /// Seconds per slot: 1 up to a 2-minute window, so that no ring has more than 120
    /// slots (a 15-minute window sums 7-second slots; its edge moves by one slot).
    public let slotSeconds: Int64
    private var ring: [Tally]
    /// The slot number (second ÷ slotSeconds) each slot holds, to tell a stale one.
    private var stamps: [Int64]

    public init(seconds: Int) {
        self.seconds = max(1, seconds)
        slotSeconds = Int64(max(1, (self.seconds + 119) / 120))
        let slots = Int((Int64(self.seconds) + slotSeconds - 1) / slotSeconds) + 1
        ring = Array(repeating: Tally(), count: slots)
        stamps = Array(repeating: Int64.min, count: slots)
    }

    /// Counts one request that ended at second `now`.
    public mutating func record(atSecond now: Int64, latencyMicros: Int64, error: Bool, costMicros: Int64?, securityViolation: Bool) {
        let number = Self.floorDivide(now, slotSeconds)
        let count = Int64(ring.count)
        let slot = Int(((number % count) + count) % count)
        if stamps[slot] != number {
            stamps[slot] = number
            ring[slot] = Tally()
        }
        ring[slot].requests += 1
        if error { ring[slot].errors += 1 }
        if securityViolation { ring[slot].securityViolations += 1 }
        if let costMicros {
            ring[slot].costed += 1
            ring[slot].costMicros += costMicros
        }
        ring[slot].latency[Self.bucket(latencyMicros)] += 1
    }

    /// The first bucket whose bound holds `micros` (binary search: ~280 bounds, on every
    /// routed request).
    public static func bucket(_ micros: Int64) -> Int {
        var low = 0
        var high = boundsMicros.count - 1
        while low < high {
            let middle = (low + high) / 2
            if micros <= boundsMicros[middle] { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The sum over the `window` seconds ending at `now` (inclusive), to a slot.
    public func tally(window: Int, endingAt now: Int64) -> Tally {
        var sum = Tally()
        let span = Int64(min(max(1, window), seconds))
        let last = Self.floorDivide(now, slotSeconds)
        let first = Self.floorDivide(now - span, slotSeconds)
        for index in ring.indices where stamps[index] > first && stamps[index] <= last {
            sum.add(ring[index])
        }
        return sum
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
