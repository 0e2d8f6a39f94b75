import Foundation

/// Latency samples (microseconds) and the count of calls in the window.
struct Run {
    var calls = 0
    var errors = 0
    var samples: [Int64] = []

    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
        return Double(sorted[max(0, index)]) / 1000
    }
}

/// Runs `body` from `callers` concurrent tasks for `seconds`, timing each call.
func measure(callers: Int, seconds: Int, _ body: @escaping @Sendable (Int, Int) async -> Bool) async -> Run {
    let clock = ContinuousClock()
    let end = clock.now + .seconds(seconds)
    return await withTaskGroup(of: Run.self) { group in
        for caller in 0..<callers {
            group.addTask {
                var run = Run()
                run.samples.reserveCapacity(seconds * 4096)
                var i = 0
                while clock.now < end {
                    let start = clock.now
                    let ok = await body(caller, i)
                    let elapsed = clock.now - start
                    run.samples.append(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)
                    if ok { run.calls += 1 } else { run.errors += 1 }
                    i += 1
                }
                return run
            }
        }
        var total = Run()
        for await run in group {
            total.calls += run.calls
            total.errors += run.errors
            total.samples += run.samples
        }
        return total
    }
}
