// datastore-bench: our Postgres and Redis clients against pgbench and
// redis-benchmark on the same servers, the same SQL / Lua, the same
// concurrency. Started by bench/datastores.sh; prints one block per store
// with throughput, latency, CPU per operation (ours: this process; the
// reference: the reaped child) and the ratios. A benchmark, not a test:
// nothing here asserts.
import Foundation
import Kit
import Synchronization
import TestSupport

struct Options {
    var seconds = 10
    var callers = 32
    /// Our clients' connection bound; nil keeps their defaults (Postgres 10, Redis 2).
    var connections: Int?
    var only: String?
    var migrations = "db/migrations"
    /// Our clients ask a chaos hook before each call, as the gateway's do (issue 18).
    var faultsHook = false

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            switch flag {
            case "--seconds": seconds = iterator.next().flatMap(Int.init) ?? seconds
            case "--callers": callers = iterator.next().flatMap(Int.init) ?? callers
            case "--connections": connections = iterator.next().flatMap(Int.init)
            case "--only": only = iterator.next()
            case "--migrations": migrations = iterator.next() ?? migrations
            case "--faults-hook": faultsHook = true
            default: FileHandle.standardError.write(Data("ignoring unknown argument \(flag)\n".utf8))
            }
        }
    }
}

let tenants = 1000

/// What the gateway's chaos book costs a call while no fault is in force: the hook reads one
/// atomic (`FaultBook.isEmpty`) and answers nil. `--faults-hook` measures it.
let emptyBook = Atomic<Int>(0)
let emptyBookHook = CallFaultHook { emptyBook.load(ordering: .relaxed) == 0 ? nil : .delay(milliseconds: 0) }

let options = Options(CommandLine.arguments)
do {
    if options.only == nil || options.only == "postgres" { _ = try await benchPostgres(options) }
    if options.only == nil || options.only == "redis" { _ = try await benchRedis(options) }
} catch {
    FileHandle.standardError.write(Data("datastore-bench failed: \(error)\n".utf8))
    exit(1)
}
