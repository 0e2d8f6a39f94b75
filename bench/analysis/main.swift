// analysis-bench: what GraphQLAnalysis costs per request, in µs/op.
// parse + analyse + estimate of a mutation document, cold (a fresh cache, so
// the text is hashed, parsed, walked and checked) and from the cache (hash,
// lookup, argument resolution, estimate), for a small and a ~4 KB document;
// plus the POST body's JSON. Targets (issue 6): hit ≤ 5 µs, cold 4 KB ≤ 300 µs.
//
// Usage: swift run -c release analysis-bench [--rounds N] [--schema PATH] [--only LABEL-PART] [--fixed N]
// Each case runs N rounds (default 7) of bounded iterations (by count and by
// time); the machine is shared, so the best and the median round are printed.
import GraphQL
import GraphQLAnalysis
import Crypto
import PersistedQueries

let clock = ContinuousClock()
/// `--rounds N` and `--schema PATH`.
struct Options {
    var rounds = 7
    var schemaPath = "examples/intelgraph/schema.graphql"
    /// Run only the cases whose label contains this (for profiling one case).
    var only: String?
    /// Run exactly this many iterations per round, ignoring the time bound
    /// (for counting instructions with `perf stat` on a busy machine).
    var fixed: Int?

    init(_ commandLine: [String]) {
        var arguments = commandLine.dropFirst()
        while let flag = arguments.popFirst() {
            switch flag {
            case "--rounds": rounds = max(1, Int(arguments.popFirst() ?? "") ?? rounds)
            case "--schema": schemaPath = arguments.popFirst() ?? schemaPath
            case "--only": only = arguments.popFirst()
            case "--fixed": fixed = Int(arguments.popFirst() ?? "")
            default: BenchFiles.fail("unknown argument \(flag)")
            }
        }
    }
}

let options = Options(CommandLine.arguments)
let rounds = options.rounds
let schemaPath = options.schemaPath

guard let sdl = BenchFiles.read(schemaPath) else {
    BenchFiles.fail("cannot read \(schemaPath); run from the repository root or pass --schema")
}
let catalog: BudgetCatalog
do {
    catalog = try BudgetCatalog(sdl: sdl, fileName: schemaPath)
} catch {
    BenchFiles.fail("\(error)")
}

let small = BenchDocuments.small
let wide = BenchDocuments.wide
let manyRoots = BenchDocuments.manyRoots
let limits = AnalysisLimits.default

/// One full analysis of `document` through `cache`, returning the estimate so the work is not optimised away.
@inline(never)
func analyse(_ document: BenchDocuments.Case, cache: DocumentCache) -> Int64 {
    do {
        let analyzed = try cache.document(for: document.query, limits: limits)
        let operation = try analyzed.operation(named: document.operationName, variables: document.variables)
        return try catalog.estimate(operation).totalMicros
    } catch {
        BenchFiles.fail("\(document.label): \(error)")
    }
}

/// µs per operation of `body` over one round: up to `iterations` calls or 0.5 s.
func measure(iterations: Int, _ body: () -> Int64) -> (micros: Double, sink: Int64) {
    var sink: Int64 = 0
    var done = 0
    let deadline = clock.now.advanced(by: .milliseconds(500))
    let start = clock.now
    let count = options.fixed ?? iterations
    while done < count {
        sink &+= body()
        done += 1
        if options.fixed == nil, done % 64 == 0, clock.now >= deadline { break }
    }
    let elapsed = start.duration(to: clock.now)
    let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    return (nanos / Double(done) / 1000, sink)
}

func report(_ label: String, iterations: Int, _ body: () -> Int64) {
    if let only = options.only, !label.contains(only) { return }
    var results: [Double] = []
    var sink: Int64 = 0
    _ = measure(iterations: iterations / 10 + 1, body)  // warm-up
    for _ in 0..<rounds {
        let (micros, value) = measure(iterations: iterations, body)
        results.append(micros)
        sink &+= value
    }
    results.sort()
    let best = results[0]
    let median = results[results.count / 2]
    print("\(label.padding(toLength: 44, withPad: " ", startingAt: 0)) best \(format(best)) µs/op   median \(format(median)) µs/op   (checksum \(sink % 1000))")
}

func format(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let text = "\(hundredths / 100).\(String(hundredths % 100).count < 2 ? "0" : "")\(hundredths % 100)"
    return String(repeating: " ", count: max(0, 8 - text.count)) + text
}

print("analysis-bench: \(rounds) rounds; documents of \(small.query.utf8.count), \(wide.query.utf8.count) and \(manyRoots.query.utf8.count) bytes")
for document in [small, wide, manyRoots] {
    print("\(document.label): estimate \(analyse(document, cache: DocumentCache(capacity: 1))) µ$")
    report("cold \(document.label)", iterations: 5_000) {
        analyse(document, cache: DocumentCache(capacity: 4))
    }
    let warm = DocumentCache(capacity: 64)
    _ = analyse(document, cache: warm)
    report("cache hit \(document.label)", iterations: 200_000) {
        analyse(document, cache: warm)
    }
    report("POST body JSON \(document.label)", iterations: 100_000) {
        do {
            let request = try RequestParser.parsePOST(body: document.body)
            return Int64(request.query?.utf8.count ?? 0)
        } catch {
            BenchFiles.fail("\(document.label) body: \(error)")
        }
    }
}

// The persisted-query allowlist check (issue 6: "PQ enforce adds ≤ 0.1 ms p99"):
// the gate's decision for a listed document (policy read, snapshot lookup,
// counters), and the normalized hash a drifted document needs once (the step
// memoizes it per exact hash).
do {
    let document = small.query
    let exact = SHA256Digest.hex(Array(document.utf8))
    let normalized = try DocumentNormalizer.normalizedHash(source: document)
    let gate = PersistedQueryGate(
        policy: PersistedQueryPolicy(phase: .enforce),
        allowlist: AllowlistSnapshot(entries: [exact: normalized], bodies: [exact: document]))
    let request = PersistedQueryRequest(tenant: "demo", exactHash: exact, operationName: small.operationName)
    report("pq enforce check, listed", iterations: 1_000_000) {
        if case .allow = gate.check(request, normalizedHash: { nil }) { return 1 }
        return 0
    }
    let parsed = try cacheDocument(document)
    report("pq normalized hash \(small.label) (drift, once)", iterations: 20_000) {
        Int64((try? DocumentNormalizer.normalizedHash(parsed))?.utf8.count ?? 0)
    }
    let wideParsed = try cacheDocument(wide.query)
    report("pq normalized hash \(wide.label) (drift, once)", iterations: 5_000) {
        Int64((try? DocumentNormalizer.normalizedHash(wideParsed))?.utf8.count ?? 0)
    }
} catch {
    BenchFiles.fail("persisted-query cases: \(error)")
}

/// The parsed document as the parse step keeps it.
func cacheDocument(_ query: String) throws -> Document {
    try DocumentCache(capacity: 1).document(for: query, limits: limits).document
}
