// Micro-benchmark of ResponseCache's request-path calls, built by bench/response-cache.sh.
// Prints ns/op for a lookup hit, a miss, a store (new key, steady-state eviction), a
// store over an existing key, and hits from two threads at once (the lock contended).
import ResponseCache

let entries = 10_000
let body = [UInt8](repeating: 0x7B, count: 2_048)  // a typical small GraphQL response
let headers = [("Content-Type", "application/json"), ("Connection", "keep-alive"), ("Cache-Control", "max-age=30")]

func hex(_ n: Int) -> String {
    let digits = String(n, radix: 16)
    return String(repeating: "0", count: 64 - digits.count) + digits
}

// Keys are built before timing so String formatting is not measured.
let keys = (0..<(entries * 2)).map { CacheKey(tenant: "tenant-\($0 % 50)", documentHash: hex($0), variablesHash: hex($0 &* 31), operationName: "Search") }

let clockValue = 1_000_000 as Int64
let cache = ResponseCache(maxBytes: 64 << 20, maxEntries: entries, maxEntryBytes: 1 << 20, clock: { clockValue })
for key in keys.prefix(entries) { cache.store(key, status: 200, headers: headers, body: body, ttlSeconds: 60, hasErrors: false) }

func measure(_ name: String, operations: Int, _ body: () -> Int) {
    var best = Double.infinity
    var results = 0  // printed, so the optimizer cannot drop the work
    for _ in 0..<5 {
        let start = ContinuousClock.now
        results = body()
        let elapsed = ContinuousClock.now - start
        let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        best = min(best, ns / Double(operations))
    }
    print("\(name): \(Int(best.rounded())) ns/op (best of 5, \(operations) ops, \(results) found or stored per run)")
}

let rounds = 200_000
measure("lookup hit", operations: rounds) {
    var found = 0
    for i in 0..<rounds where cache.lookup(keys[i % entries]) != nil { found += 1 }
    return found
}
measure("lookup miss", operations: rounds) {
    var found = 0
    for i in 0..<rounds where cache.lookup(keys[entries + i % entries]) != nil { found += 1 }
    return found
}
measure("store new key (evicts one)", operations: rounds) {
    var stored = 0
    for i in 0..<rounds {
        if case .stored = cache.store(keys[i % keys.count], status: 200, headers: headers, body: body, ttlSeconds: 60, hasErrors: false) { stored += 1 }
    }
    return stored
}
measure("store same key (replaces)", operations: rounds) {
    var stored = 0
    for _ in 0..<rounds {
        if case .stored = cache.store(keys[0], status: 200, headers: headers, body: body, ttlSeconds: 60, hasErrors: false) { stored += 1 }
    }
    return stored
}
for key in keys.prefix(entries) { cache.store(key, status: 200, headers: headers, body: body, ttlSeconds: 60, hasErrors: false) }
measure("lookup hit, 2 threads (per op, wall)", operations: rounds * 2) {
    let group = DispatchlessPair { offset in
        var found = 0
        for i in 0..<rounds where cache.lookup(keys[(i &+ offset) % entries]) != nil { found += 1 }
        return found
    }
    return group.run()
}
print("stats: \(cache.stats)")
