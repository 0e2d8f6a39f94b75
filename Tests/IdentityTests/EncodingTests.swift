@testable import Identity
import Testing

@Suite("strict base64url and JSON")
struct EncodingTests {
    @Test("base64url round-trips every length and matches RFC 4648 §10 vectors")
    func base64URLRoundTrip() throws {
        #expect(Base64URL.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64URL.encode(Array("fooba".utf8)) == "Zm9vYmE")
        #expect(Base64URL.encode(Array("f".utf8)) == "Zg")
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(try Base64URL.decode(Base64URL.encode(bytes).utf8) == bytes)
        }
    }

    @Test("base64url refusals: padding, foreign characters, impossible length, non-canonical bits")
    func base64URLRefusals() {
        #expect(throws: Base64URLError.padding(offset: 2)) { try Base64URL.decode("Zg==".utf8) }
        #expect(throws: Base64URLError.invalidCharacter(offset: 1)) { try Base64URL.decode("a+b".utf8) }
        #expect(throws: Base64URLError.invalidCharacter(offset: 1)) { try Base64URL.decode("a/b".utf8) }
        #expect(throws: Base64URLError.invalidCharacter(offset: 2)) { try Base64URL.decode("ab c".utf8) }
        #expect(throws: Base64URLError.invalidCharacter(offset: 0)) { try Base64URL.decode([0xC3, 0xA9]) }
        #expect(throws: Base64URLError.impossibleLength(5)) { try Base64URL.decode("abcde".utf8) }
        // "Zh" decodes to "f" too, but with a stray bit: only "Zg" is accepted.
        #expect(throws: Base64URLError.nonZeroTrailingBits) { try Base64URL.decode("Zh".utf8) }
    }

    @Test("JSON: values, escapes and surrogate pairs")
    func jsonValues() throws {
        let value = try JSONReader.parse(Array(#" {"a":[1,-2.5e1,true,false,null],"b":"\u00e9\ud83d\ude00\n\"","c":{}} "#.utf8))
        #expect(value == .object([
            "a": .array([.integer(1), .number(-25), .bool(true), .bool(false), .null]),
            "b": .string("é😀\n\""),
            "c": .object([:]),
        ]))
    }

    @Test("JSON refusals", arguments: [
        #"{"a":1,}"#, #"[1,]"#, #"{"a":01}"#, #"{"a":1}x"#, #""\ud800""#, #""\udc00x""#,
        "\"\u{01}\"", #"{"a" 1}"#, #"nul"#, #"{"a":1,"a":2}"#, #""\x""#, #"-"#, #"1."#, "",
    ])
    func jsonRefusals(text: String) {
        #expect(throws: JSONParseError.self) { try JSONReader.parse(Array(text.utf8)) }
    }

    @Test("JSON: invalid UTF-8 and deep nesting are refused without crashing")
    func jsonHostile() {
        #expect(throws: JSONParseError.self) { try JSONReader.parse([0x22, 0xC3, 0x28, 0x22]) }
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: JSONParseError(offset: 16, reason: .tooDeep(limit: 16))) { try JSONReader.parse(deep) }
    }
}
