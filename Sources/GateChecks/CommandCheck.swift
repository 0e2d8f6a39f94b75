import Foundation

/// Runs a gate's external check (`command` source: G2, G3): argv as written in the matrix,
/// no shell, standard output and error kept (bounded) as evidence, killed at the timeout.
enum CommandCheck {
    struct Outcome: Sendable {
        /// nil when it did not finish (timed out) or could not start.
        var status: Int32?
        var output: [UInt8]
        var failure: String?
    }

    static let maxOutputBytes = 1 << 20

    static func run(_ argv: [String], timeoutSeconds: Int64, directory: String?) async -> Outcome {
        guard let program = argv.first else { return Outcome(status: nil, output: [], failure: "empty command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.contains("/") ? program : "/usr/bin/env")
        process.arguments = program.contains("/") ? Array(argv.dropFirst()) : argv
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("safemut-gate-\(UUID().uuidString).out")
        guard FileManager.default.createFile(atPath: outputFile.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: outputFile)
        else { return Outcome(status: nil, output: [], failure: "cannot create a file for the output") }
        defer { try? FileManager.default.removeItem(at: outputFile) }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            try? handle.close()
            return Outcome(status: nil, output: [], failure: "cannot start \(program): \(error.localizedDescription)")
        }
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        var timedOut = false
        if process.isRunning {
            timedOut = true
            process.terminate()
            let grace = ContinuousClock.now + .seconds(2)
            while process.isRunning && ContinuousClock.now < grace { try? await Task.sleep(for: .milliseconds(20)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? handle.close()
        let output = Array((FileManager.default.contents(atPath: outputFile.path) ?? Data()).prefix(maxOutputBytes))
        if timedOut { return Outcome(status: nil, output: output, failure: "timed out after \(timeoutSeconds) s (killed)") }
        return Outcome(status: process.terminationStatus, output: output, failure: nil)
    }
}
