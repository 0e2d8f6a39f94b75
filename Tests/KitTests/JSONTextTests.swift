import Testing
@testable import Kit

@Suite struct JSONTextTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("quote \" back\\slash", #""quote \" back\\slash""#),
        ("\n\r\t", #""\n\r\t""#),
        ("a\u{01}b\u{1f}\u{08}\u{0C}", #""a\u0001b\u001f\u0008\u000c""#),
        ("é ☃ 😀 \u{7F}", "\"é ☃ 😀 \u{7F}\""),
        ("", #""""#),
    ] as [(String, String)])
    func quoted(text: String, expected: String) throws {
        #expect(JSONText.quoted(text) == expected)
        #expect(try JSONValue.parse(Array(expected.utf8)) == .string(text))
        var bytes: [UInt8] = []
        JSONText.appendQuoted(text, to: &bytes)
        #expect(bytes == Array(expected.utf8))
    }

    @Test func serializerUsesTheSameEscaping() {
        let value = JSONValue.object([JSONMember("k\u{01}\"", .string("v\n"))])
        #expect(value.serialized == #"{"k\u0001\"":"v\n"}"#)
    }
}
