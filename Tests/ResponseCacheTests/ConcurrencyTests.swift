import Testing
@testable import ResponseCache

/// Many tasks store, read and purge at once; afterwards the bounds held and the counters
/// add up. What this proves is the `Sendable` design: one `Mutex` over all the state, and
/// every hit carrying the body that was stored under its own key.
@Suite struct ConcurrencyTests {
    static let tasks = 8
    static let operationsPerTask = 10_000

    /// One task's tally, summed after the group ends.
    struct Tally: Sendable {
        var lookups = 0
        var storeCalls = 0
        var wrongBodies = 0
        var mostBytesSeen = 0
    }

    @Test func boundsHoldAndCountersAddUpUnderContention() async {
        let clock = FakeClock()
        let maxBytes = 20_000
        let cache = ResponseCache(maxBytes: maxBytes, maxEntries: 64, maxEntryBytes: 1_000, clock: clock.read)

        let tallies = await withTaskGroup(of: Tally.self) { group in
            for task in 0..<Self.tasks {
                group.addTask {
                    var tally = Tally()
                    var random = SplitMix(seed: UInt64(task + 1))
                    for step in 0..<Self.operationsPerTask {
                        // Half the keys are shared by every task, half are this task's own.
                        let shared = random.next() % 2 == 0
                        let tenant = shared ? "shared" : "task\(task)"
                        let id = Int(random.next() % 48)
                        let cacheKey = CacheKey(tenant: tenant, documentHash: "doc\(id)", variablesHash: "vars")
                        let expected = Array("\(tenant)/\(id)".utf8)
                        switch random.next() % 10 {
                        case 0..<5:
                            tally.lookups += 1
                            if let hit = cache.lookup(cacheKey), hit.body.prefix(expected.count) != expected[...] {
                                tally.wrongBodies += 1
                            }
                        case 5..<9:
                            tally.storeCalls += 1
                            let padding = [UInt8](repeating: 0x2E, count: Int(random.next() % 900))
                            cache.store(cacheKey, status: 200, headers: json, body: expected + padding, ttlSeconds: 1 + Int(random.next() % 3), hasErrors: false)
                        default:
                            clock.advance(ms: 50)
                        }
                        // Each task purges ten times: its own tenant or the shared one.
                        if step % 1_000 == 999 { cache.purge(tenant: tenant) }
                        tally.mostBytesSeen = max(tally.mostBytesSeen, cache.stats.bytes)
                    }
                    return tally
                }
            }
            var all: [Tally] = []
            for await tally in group { all.append(tally) }
            return all
        }

        let lookups = tallies.reduce(0) { $0 + $1.lookups }
        let storeCalls = tallies.reduce(0) { $0 + $1.storeCalls }
        let snapshot = cache.snapshot()
        let stats = snapshot.stats
        #expect(tallies.allSatisfy { $0.wrongBodies == 0 })
        #expect(tallies.allSatisfy { $0.mostBytesSeen <= maxBytes })
        #expect(stats.bytes <= maxBytes && stats.entries <= 64)
        #expect(stats.hits + stats.misses == lookups)
        #expect(stats.stores + stats.refusals == storeCalls)
        #expect(stats.entries == stats.stores - stats.replacements - stats.evictions - stats.expirations - stats.purged)
        #expect(snapshot.recountedBytes == stats.bytes)
        #expect(snapshot.keysByRecency.count == stats.entries)
        #expect(Set(snapshot.keysByRecency).count == stats.entries)
        // The run exercised every path, or it proved less than it claims.
        #expect(stats.hits > 0 && stats.evictions > 0 && stats.expirations > 0 && stats.purged > 0 && stats.replacements > 0)
    }
}

/// A small deterministic generator, so a failing run can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
