import Testing
@testable import PersistedQueries

/// The manifest's JSON is read by Kit's strict parser (it was Foundation's JSONDecoder):
/// what it now refuses, what it still accepts, and the refusals' wording.
@Suite("Manifest JSON")
struct ManifestJSONTests {
    static let head = #"{"format":"apollo-persisted-query-manifest","#

    func error(_ text: String) -> ManifestError? {
        do {
            _ = try PersistedQueryManifest.parse(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func invalidJSONSaysWhereAndWhy() {
        #expect(error(Self.head + #""version":1,"operations":["#) == .invalidJSON(reason: "unexpected end of input at byte 70"))
        #expect(error("") == .invalidJSON(reason: "the input is empty"))
        #expect(error("").map(\.description) == "manifest is not valid JSON: the input is empty")
    }

    @Test("a repeated key is refused: a signed manifest must not be readable two ways")
    func duplicateKeyIsRefused() {
        let twice = #"{"format":"apollo-persisted-query-manifest","format":"x","version":1,"operations":[]}"#
        #expect(error(twice) == .invalidJSON(reason: #"duplicate key "format" at byte 44"#))
    }

    @Test func aUTF8ByteOrderMarkIsStillAccepted() throws {
        let text = "\u{FEFF}" + Self.head + #""version":1,"operations":[]}"#
        #expect(try PersistedQueryManifest.parse(Array(text.utf8)).operations.isEmpty)
    }

    @Test func versionIsTheNumberOne() throws {
        #expect(try PersistedQueryManifest.parse(Array((Self.head + #""version":1.0,"operations":[]}"#).utf8)).operations.isEmpty)
        #expect(error(Self.head + #""version":2.5,"operations":[]}"#) == .unsupportedVersion(found: "2.5"))
        #expect(error(Self.head + #""version":1e400,"operations":[]}"#) == .unsupportedVersion(found: "1e400"))
        #expect(error(Self.head + #""version":true,"operations":[]}"#) == .unsupportedVersion(found: "true"))
        #expect(error(Self.head + #""version":"1","operations":[]}"#) == .unsupportedVersion(found: "\"1\""))
    }

    /// Kit's escaper writes U+0008 and U+000C as `\u0008`/`\u000c` where the manifest's own
    /// wrote `\b`/`\f`. No manifest's bytes can change: no body that holds one parses.
    @Test(arguments: ["\u{08}", "\u{0C}"])
    func noBodyHoldsBackspaceOrFormFeed(character: String) {
        for body in ["query Q { a(s: \"\(character)\") }", "query Q { a }\(character)", "# \(character)\nquery Q { a }"] {
            #expect(throws: NormalizationError.self) { try ManifestOperation(name: "Q", type: .query, body: body) }
        }
    }
}
