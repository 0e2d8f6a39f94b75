import Crypto
import Testing

@Suite("HMAC-SHA-256 and constant-time compare")
struct HMACSHA256Tests {
    @Test("RFC 4231 test case 1")
    func rfc4231Case1() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let mac = HMACSHA256.authenticationCode(key: key, message: Array("Hi There".utf8))
        #expect(Hex.encode(mac) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test("RFC 4231 test case 2 (key shorter than the output)")
    func rfc4231Case2() {
        let mac = HMACSHA256.authenticationCode(
            key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)
        )
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("RFC 4231 test case 6 (key longer than the block is hashed first)")
    func rfc4231Case6() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let message = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        let mac = HMACSHA256.authenticationCode(key: key, message: message)
        #expect(Hex.encode(mac) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("empty key and empty message")
    func emptyKeyAndMessage() {
        let mac = HMACSHA256.authenticationCode(key: [UInt8](), message: [UInt8]())
        #expect(Hex.encode(mac) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test("constant-time compare: equal, different, different lengths, empty")
    func constantTimeCompare() {
        let mac = HMACSHA256.authenticationCode(key: Array("k".utf8), message: Array("m".utf8))
        var flipped = mac
        flipped[31] ^= 0x01
        var flippedFirst = mac
        flippedFirst[0] ^= 0x80
        #expect(constantTimeEqual(mac, mac))
        #expect(!constantTimeEqual(mac, flipped))
        #expect(!constantTimeEqual(mac, flippedFirst))
        #expect(!constantTimeEqual(mac, Array(mac.prefix(31))))
        #expect(!constantTimeEqual([], [0]))
        #expect(constantTimeEqual([], []))
    }
}
