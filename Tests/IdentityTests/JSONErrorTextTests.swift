@testable import Identity
import Kit
import Testing

/// The exact text a refused JWKS file (and, with the same words, a refused token header or
/// payload) reports for each way its JSON can be malformed. Pinned before the JSON reader
/// moved to Kit, so the move changes no message an operator or a client sees.
@Suite("JSON error text")
struct JSONErrorTextTests {
    static func text(_ bytes: [UInt8]) -> String? {
        do {
            _ = try JWKSet.parse(bytes, source: "t")
            return nil
        } catch {
            guard case .invalidJSON(let json) = error.reason else { return "not a JSON error: \(error)" }
            return json.description
        }
    }

    @Test(arguments: [
        ("", "unexpected end of input at byte 0") as (String, String),
        ("  ", "unexpected end of input at byte 2"),
        ("x", "unexpected byte 0x78 at byte 0"),
        ("{", "unexpected end of input at byte 1"),
        ("{1:2}", "unexpected byte 0x31 at byte 1"),
        (#"{"a":1,}"#, "unexpected byte 0x7d at byte 7"),
        (#"{"a""#, "unexpected end of input at byte 4"),
        (#"{"a" 1}"#, "unexpected byte 0x31 at byte 5"),
        (#"{"a":"#, "unexpected end of input at byte 5"),
        (#"{"a":1"#, "unexpected end of input at byte 6"),
        (#"{"a":1 "b":2}"#, "unexpected byte 0x22 at byte 7"),
        ("[1", "unexpected end of input at byte 2"),
        ("[1,]", "unexpected byte 0x5d at byte 3"),
        ("[1 2]", "unexpected byte 0x32 at byte 3"),
        ("01", "data after the JSON value at byte 1"),
        ("-", "invalid number at byte 1"),
        ("[-]", "invalid number at byte 2"),
        ("1.", "invalid number at byte 2"),
        ("1e+", "invalid number at byte 3"),
        ("[1e999]", "invalid number at byte 1"),
        ("[-1e400]", "invalid number at byte 1"),
        ("tru", "unexpected end of input at byte 3"),
        ("tx", "unexpected byte 0x78 at byte 1"),
        ("trux", "unexpected byte 0x78 at byte 3"),
        ("[nulx]", "unexpected byte 0x78 at byte 4"),
        (#""abc"#, "unexpected end of input at byte 4"),
        ("\"\u{01}\"", "control character in string at byte 1"),
        (#""\"#, "unexpected end of input at byte 2"),
        (#""\x""#, "invalid escape sequence at byte 3"),
        (#""\u12""#, "unexpected end of input at byte 3"),
        (#""\u12G4""#, "invalid escape sequence at byte 5"),
        (#""\ud800""#, "invalid escape sequence at byte 7"),
        (#""\uD83D\u0041""#, "invalid escape sequence at byte 13"),
        (#""\udc00x""#, "invalid escape sequence at byte 7"),
        (#"{"a":1,"a":2}"#, #"duplicate member "a" at byte 7"#),
        (String(repeating: "[", count: 9), "nesting deeper than 8 at byte 8"),
    ])
    func malformed(json: String, expected: String) {
        #expect(Self.text(Array(json.utf8)) == expected)
    }

    @Test func invalidUTF8() {
        #expect(Self.text([0x22, 0xC3, 0x28, 0x22]) == "invalid UTF-8 at byte 3")
        #expect(Self.text([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]) == "invalid UTF-8 at byte 3")
    }

    @Test func jwksErrorSentence() {
        let error = JWKSError(path: "t", reason: .invalidJSON(JSONParseError(offset: 3, reason: .unexpectedByte(0x7D), context: .memberName)))
        #expect(error.description == "JWKS file t is not valid JSON: unexpected byte 0x7d at byte 3")
    }
}
