import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time and context switches, so a run on a shared, busy machine can be
/// judged by cost per operation (which contention barely moves) as well as by
/// throughput (which it does).
struct Usage {
    var cpuMicros: Int64 = 0
    var voluntarySwitches: Int64 = 0
    var involuntarySwitches: Int64 = 0

    static func - (a: Usage, b: Usage) -> Usage {
        Usage(
            cpuMicros: a.cpuMicros - b.cpuMicros,
            voluntarySwitches: a.voluntarySwitches - b.voluntarySwitches,
            involuntarySwitches: a.involuntarySwitches - b.involuntarySwitches
        )
    }

    /// This process (`RUSAGE_SELF`): all our client threads.
    static func ofSelf() -> Usage { rusage(RUSAGE_SELF.rawValue) }

    /// Children already reaped (`RUSAGE_CHILDREN`): a reference tool counts
    /// here once it has exited and been waited for.
    static func ofReapedChildren() -> Usage { rusage(RUSAGE_CHILDREN.rawValue) }

    private static func rusage(_ who: __rusage_who_t) -> Usage {
        var usage = Glibc.rusage()
        getrusage(who, &usage)
        let cpu = Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000
            + Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
        return Usage(cpuMicros: cpu, voluntarySwitches: Int64(usage.ru_nvcsw), involuntarySwitches: Int64(usage.ru_nivcsw))
    }

    /// CPU of a server process tree from /proc: the process itself, its live
    /// children, and (via cutime/cstime) children it has already reaped — a
    /// Postgres backend that exited still counts through the postmaster.
    static func ofServerTree(_ pid: Int32) -> Int64 {
        let ticks = Int64(sysconf(Int32(_SC_CLK_TCK)))
        guard ticks > 0, let root = stat(pid) else { return 0 }
        var total = root.utime + root.stime + root.cutime + root.cstime
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let child = Int32(entry), child != pid, let s = stat(child), s.ppid == pid else { continue }
            total += s.utime + s.stime
        }
        return total * 1_000_000 / ticks
    }

    private struct Stat { var ppid: Int32; var utime, stime, cutime, cstime: Int64 }

    /// Fields of /proc/PID/stat after the parenthesised command name.
    private static func stat(_ pid: Int32) -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is state (field 3); ppid is field 4, utime..cstime are 14...17.
        guard fields.count > 14, let ppid = Int32(fields[1]),
              let utime = Int64(fields[11]), let stime = Int64(fields[12]),
              let cutime = Int64(fields[13]), let cstime = Int64(fields[14]) else { return nil }
        return Stat(ppid: ppid, utime: utime, stime: stime, cutime: cutime, cstime: cstime)
    }
}

/// Per-operation costs of one measured run, formatted for the report.
struct Cost {
    var clientMicrosPerOp: Double
    var switchesPerOp: Double?
    var serverMicrosPerOp: Double

    init(client: Usage, server: Int64, operations: Int, countsSwitches: Bool = true) {
        let ops = Double(max(operations, 1))
        clientMicrosPerOp = Double(client.cpuMicros) / ops
        switchesPerOp = countsSwitches ? Double(client.voluntarySwitches + client.involuntarySwitches) / ops : nil
        serverMicrosPerOp = Double(server) / ops
    }

    var text: String {
        var line = String(format: "client CPU %5.1f µs/op", clientMicrosPerOp)
        if let switchesPerOp { line += String(format: "  cs %4.2f/op", switchesPerOp) }
        line += String(format: "  server CPU %5.1f µs/op", serverMicrosPerOp)
        return line
    }
}
