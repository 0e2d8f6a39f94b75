import Foundation

/// Paths to the fixtures beside this file and to the demo schema.
enum TestFiles {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    /// `Fixtures/<name>`.
    static func fixturePath(_ name: String) -> String {
        testsDirectory.appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    static var demoSchemaPath: String {
        repositoryRoot.appendingPathComponent("examples/intelgraph/schema.graphql").path
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}

/// Bytes of a string, for request bodies.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
