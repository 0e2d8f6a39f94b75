import Foundation

/// Locates the project's own executables next to the test bundle
/// (`.build/<triple>/debug/`), where `swift build` puts them.
public enum Binaries {
    /// The build products directory of the running test binary.
    public static var directory: String {
        if let override = ProcessInfo.processInfo.environment["SAFEMUT_BIN_DIR"] { return override }
        var path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // swift-testing may run from inside the .xctest bundle directory.
        while path.path.contains(".xctest") { path = path.deletingLastPathComponent() }
        return path.path
    }

    /// The path of executable `name`; throws when it was not built
    /// (run `swift build` before `swift test`, as scripts/test.sh does).
    public static func path(_ name: String) throws -> String {
        let candidate = directory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw HarnessError.missingBinary(candidate)
        }
        return candidate
    }

    /// The repository root (for example files), from this source file's path.
    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}
