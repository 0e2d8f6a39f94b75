import Testing
@testable import Kit

/// Both renderings of a refusal; the GraphQL and JWT/JWKS suites pin every sentence their
/// clients see, this pins the pairing of reason and context behind a few of them.
@Suite struct JSONParseErrorTests {
    static func error(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONValue.parse(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("", "unexpected end of input at byte 0", "the input is empty"),
        ("{", "unexpected end of input at byte 1", "expected a string key at byte 1"),
        (#"{"a":1,}"#, "unexpected byte 0x7d at byte 7", "expected a string key at byte 7"),
        ("[1 2]", "unexpected byte 0x32 at byte 3", "expected ',' or ']' at byte 3"),
        ("trux", "unexpected byte 0x78 at byte 3", "invalid literal at byte 0"),
        ("tx", "unexpected byte 0x78 at byte 1", "unexpected end of input at byte 0"),
        (#""\u12""#, "unexpected end of input at byte 3", #"invalid \u escape at byte 3"#),
        (#""\ud800""#, "invalid escape sequence at byte 7", "lone surrogate in string at byte 7"),
        (#"{"a":1,"a":2}"#, #"duplicate member "a" at byte 7"#, #"duplicate key "a" at byte 7"#),
        ("1 2", "data after the JSON value at byte 2", "unexpected data after the JSON value at byte 2"),
    ] as [(String, String, String)])
    func renderings(text: String, description: String, explanation: String) throws {
        let error = try #require(Self.error(text))
        #expect(error.description == description)
        #expect(error.explanation == explanation)
    }

    @Test func literalContextRemembersWhereTheLiteralStarted() throws {
        #expect(Self.error("[nulx]")?.context == .literal(start: 1, truncated: false))
        #expect(Self.error("[nu")?.context == .literal(start: 1, truncated: true))
        #expect(Self.error("[nu")?.reason == .unexpectedEnd)
    }
}
