import Crypto
import Testing

@Suite("SHA-256 and hex")
struct SHA256DigestTests {
    @Test("FIPS 180-2 / NIST vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVectors(input: String, expected: String) {
        #expect(SHA256Digest.hex(input.utf8) == expected)
        #expect(SHA256Digest.hash(Array(input.utf8)) == Hex.decode(expected))
    }

    @Test("one million 'a' (NIST long message)")
    func millionA() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256Digest.hex(input) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("non-contiguous collections hash the same as arrays")
    func nonContiguous() {
        let bytes = Array("abc".utf8)
        let reversedTwice = bytes.reversed().reversed()
        #expect(SHA256Digest.hash(reversedTwice) == SHA256Digest.hash(bytes))
        #expect(SHA256Digest.hash(bytes[1...]) == SHA256Digest.hash(Array("bc".utf8)))
        #expect(SHA256Digest.hash(bytes).count == SHA256Digest.byteCount)
    }

    @Test("hex encodes lowercase, two digits per byte")
    func hexEncoding() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.encode((0...255).map { UInt8($0) }).count == 512)
    }

    @Test("hex decodes either case and rejects bad input")
    func hexDecoding() {
        #expect(Hex.decode("000fA0fF") == [0x00, 0x0f, 0xa0, 0xff])
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("0g") == nil)
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(all)) == all)
    }
}
