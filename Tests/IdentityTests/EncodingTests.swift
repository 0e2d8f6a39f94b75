@testable import Identity
import Testing

@Suite("strict base64url")
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
}
