import ArgumentParser
import Foundation
import GraphQLAnalysis

/// `safemut check-budget SCHEMA… [--format text|json]`: lints `@budget`,
/// `@downshift` and `@cacheable` declarations (the rules live in
/// `GraphQLAnalysis.BudgetLinter`).
///
/// Exit codes: 0 no errors (warnings, such as a downshift tag the tier rules
/// do not know yet, are printed but pass); 1 errors; 2 a file could not be read
/// or is not valid SDL (stderr says which file and why; other files are
/// still checked).
struct CheckBudgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-budget",
        abstract: "Check that every mutation field declares a valid @budget, and that @downshift and @cacheable are valid.",
        discussion: """
            Prints file:line:col: severity: message per finding (or, with --format json, one JSON array \
            of {"file","line","column","severity","message","field"} for CI annotations).
            Exit status: 0 no errors (warnings pass), 1 errors, 2 unreadable or invalid SDL.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Argument(help: "SDL files to check (each is linted on its own).")
    var schemas: [String]

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    func validate() throws {
        guard !schemas.isEmpty else { throw ValidationError("Name at least one schema file.") }
    }

    func run() throws {
        var findings: [Finding] = []
        var unusable = false
        for path in schemas {
            do {
                let sdl = try Self.read(path)
                findings += try BudgetLinter.lint(sdl: sdl, fileName: path)
            } catch let error as SchemaError {
                unusable = true
                Self.writeError(error.description)
            } catch {
                unusable = true
                Self.writeError("\(path): cannot read: \(error)")
            }
        }
        switch format {
        case .text:
            for finding in findings { print(finding.text) }
        case .json:
            print(BudgetLinter.json(findings))
        }
        if unusable { throw ExitCode(2) }
        if findings.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }

    /// The file's text; fails with the system's reason, or when it is not UTF-8.
    private static func read(_ path: String) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReadError(reason: (error as NSError).localizedDescription)
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw ReadError(reason: "not UTF-8 text") }
        return text
    }

    private struct ReadError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    private static func writeError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
