// Micro-benchmark of ResponseCache's request-path calls, built by bench/response-cache.sh.
// Prints ns/op for a lookup hit, a miss, a store (new key, steady-state eviction), a
// store over an existing key, and hits (then a mix with stores) from two threads at once.
// `SANITIZE=thread bash bench/response-cache.sh` builds it under ThreadSanitizer instead.
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
measure("mixed 4 lookups : 1 store, 2 threads (per op, wall)", operations: rounds * 2) {
    let group = DispatchlessPair { offset in
        var done = 0
        for i in 0..<rounds {
            let key = keys[(i &* 7 &+ offset) % keys.count]
            if i % 5 == 4 {
                if case .stored = cache.store(key, status: 200, headers: headers, body: body, ttlSeconds: 60, hasErrors: false) { done += 1 }
            } else if cache.lookup(key) != nil {
                done += 1
            }
        }
        return done
    }
    return group.run()
}
let stats = cache.stats
print("stats: \(stats)")
// The same identities the concurrency test checks, after every phase above.
precondition(stats.entries == stats.stores - stats.replacements - stats.evictions - stats.expirations - stats.purged)
precondition(stats.bytes <= cache.maxBytes && stats.entries <= cache.maxEntries)
