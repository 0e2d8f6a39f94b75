import Testing
@testable import GraphQLAnalysis

/// The exact client-facing sentence for each way a request body can fail to be JSON.
/// Pinned before the JSON parser moved to Kit, so the move changes no text a client sees.
@Suite struct JSONErrorMessageTests {
    static let invalid = "the request body is not valid JSON: "

    @Test(arguments: [
        ("", "the body is empty") as (String, String),
        ("   ", "the body is empty"),
        ("x", "unexpected character at byte 0"),
        ("{", "expected a string key at byte 1"),
        ("{1:2}", "expected a string key at byte 1"),
        (#"{"a":1,}"#, "expected a string key at byte 7"),
        (#"{"a""#, "expected ':' at byte 4"),
        (#"{"a" 1}"#, "expected ':' at byte 5"),
        (#"{"a":"#, "unexpected end of input at byte 5"),
        (#"{"a":1"#, "unexpected end of input at byte 6"),
        (#"{"a":1 "b":2}"#, "expected ',' or '}' at byte 7"),
        ("[1", "unexpected end of input at byte 2"),
        ("[1,]", "unexpected character at byte 3"),
        ("[1 2]", "expected ',' or ']' at byte 3"),
        ("01", "unexpected data after the JSON value at byte 1"),
        ("1 2", "unexpected data after the JSON value at byte 2"),
        ("-", "invalid number at byte 1"),
        ("-x", "invalid number at byte 1"),
        ("1.", "invalid number at byte 2"),
        ("1.x", "invalid number at byte 2"),
        ("1e", "invalid number at byte 2"),
        ("1e+", "invalid number at byte 3"),
        ("tru", "unexpected end of input at byte 0"),
        ("tx", "unexpected end of input at byte 0"),
        ("trux", "invalid literal at byte 0"),
        ("fals", "unexpected end of input at byte 0"),
        ("falsy", "invalid literal at byte 0"),
        ("nul", "unexpected end of input at byte 0"),
        ("[nulx]", "invalid literal at byte 1"),
        (#""abc"#, "unterminated string at byte 4"),
        ("\"\u{01}\"", "control character in string at byte 1"),
        (#""\"#, "unterminated escape at byte 2"),
        (#""\x""#, "invalid escape at byte 3"),
        (#""\u12""#, #"invalid \u escape at byte 3"#),
        (#""\u12G4""#, #"invalid \u escape at byte 5"#),
        (#""\ud800""#, "lone surrogate in string at byte 7"),
        (#""\uD83Dx""#, "lone surrogate in string at byte 7"),
        (#""\uD83D\u0041""#, "lone surrogate in string at byte 13"),
        (#""\uD83D\u00""#, #"invalid \u escape at byte 9"#),
        (#""\udc00x""#, "lone surrogate in string at byte 7"),
        (String(repeating: "[", count: 200), "nesting deeper than 128 at byte 128"),
    ])
    func postBodyMessage(body: String, detail: String) {
        #expect(throws: AnalysisError(.invalidJSON(detail))) { try RequestParser.parsePOST(body: Array(body.utf8)) }
    }

    @Test(arguments: [
        ([0x22, 0xC3, 0x28, 0x22] as [UInt8], "invalid UTF-8 in string at byte 3"),
        ([0x22, 0x5C, 0x6E, 0xFF, 0x22], "invalid UTF-8 in string at byte 4"),
        ([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], "invalid UTF-8 in string at byte 3"),
    ])
    func invalidUTF8Message(body: [UInt8], detail: String) {
        #expect(throws: AnalysisError(.invalidJSON(detail))) { try RequestParser.parsePOST(body: body) }
    }

    @Test func duplicateKeyMessageWinsOverALaterError() throws {
        let error = AnalysisError(.duplicateKey("a"))
        #expect(error.message == #"the request JSON repeats the key "a"; each key may appear once"#)
        #expect(throws: error) { try RequestParser.parsePOST(body: Array(#"{"a":1,"a":2}"#.utf8)) }
        #expect(throws: error) { try RequestParser.parsePOST(body: Array(#"{"a":1,"a":[x"#.utf8)) }
    }

    @Test func getParameterNamesWhichParameterHeldTheBadJSON() {
        #expect(throws: AnalysisError(.invalidJSON(#"in "variables": expected a string key at byte 1"#))) {
            try RequestParser.parseGET(query: "query=%7Ba%7D&variables=%7B")
        }
        #expect(throws: AnalysisError(.duplicateKey("x"))) {
            try RequestParser.parseGET(query: "query=%7Ba%7D&extensions=%7B%22x%22:1,%22x%22:2%7D")
        }
    }

    @Test func messageSentence() {
        #expect(AnalysisError(.invalidJSON("x")).message == Self.invalid + "x")
    }
}
