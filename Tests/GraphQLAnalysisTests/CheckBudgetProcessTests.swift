import Foundation
import Testing
import TestSupport

/// `safemut check-budget` as CI runs it: the built binary, its output and
/// exit status. Needs `swift build` first, and the command registered in
/// `SafemutCommand`'s subcommands.
@Suite struct CheckBudgetProcessTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    private func checkBudget(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Binaries.path("safemut"))
        process.arguments = ["check-budget"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let run = Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
        // argument-parser's usage error (64) naming the subcommand as an unexpected argument.
        if run.status == 64, run.stderr.contains("'check-budget'") || run.stderr.contains("Unknown option") {
            throw NotRegistered()
        }
        return run
    }

    struct NotRegistered: Error, CustomStringConvertible {
        var description: String {
            "`safemut check-budget` is not a subcommand of the built binary: add CheckBudgetCommand.self to SafemutCommand's subcommands and run `swift build`"
        }
    }

    @Test func demoSchemaExitsZero() throws {
        let run = try checkBudget([TestFiles.demoSchemaPath])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func findingsExitOneWithFileLineColumn() throws {
        let path = TestFiles.fixturePath("missing-budget.graphql")
        let run = try checkBudget([TestFiles.demoSchemaPath, path])
        #expect(run.status == 1, "stderr: \(run.stderr)")
        #expect(run.stdout == "\(path):4:3: error: mutation field \"deleteThing\" declares no @budget\n")
    }

    @Test func jsonFormat() throws {
        let path = TestFiles.fixturePath("negative-cap.graphql")
        let run = try checkBudget(["--format", "json", path])
        #expect(run.status == 1, "stderr: \(run.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
        let first = try #require(parsed?.first)
        #expect(parsed?.count == 1)
        #expect(first["file"] as? String == path)
        #expect(first["line"] as? Int == 3)
        #expect(first["column"] as? Int == 44)
        #expect(first["severity"] as? String == "error")
        #expect(first["field"] as? String == "refund")
    }

    @Test func unreadableOrInvalidSDLExitsTwo() throws {
        let missing = try checkBudget(["/nonexistent/schema.graphql"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/schema.graphql"))

        let invalid = TestFiles.fixturePath("invalid-sdl.graphql")
        let run = try checkBudget([invalid, TestFiles.fixturePath("missing-budget.graphql")])
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(invalid):3:8: invalid SDL"))
        // The other file is still checked.
        #expect(run.stdout.contains("deleteThing"))
    }

    /// An unknown downshift tag is printed but passes: API teams may tag ahead of the gateway.
    @Test func warningsAlonePass() throws {
        let path = TestFiles.fixturePath("downshift-unknown-tag.graphql")
        let run = try checkBudget([path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.hasPrefix("\(path):4:85: warning: downshift tag \"gpu\""))
    }

    @Test func downshiftErrorsExitOne() throws {
        let path = TestFiles.fixturePath("downshift-hops-arg-missing-argument.graphql")
        let run = try checkBudget([path])
        #expect(run.status == 1, "stderr: \(run.stderr)")
        #expect(run.stdout == "\(path):4:86: error: hopsArg of \"path\" names \"depth\", which is not an argument of \"path\"\n")
    }
}
