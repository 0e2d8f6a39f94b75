import HTTP
import HTTPClient
import Testing

@Suite("Hop-by-hop header stripping (pure)")
struct HopByHopTests {
    @Test("the fixed hop-by-hop headers go, in any case; end-to-end headers stay in order")
    func fixed() {
        var headers = HTTPHeaders([
            ("Host", "a"), ("connection", "keep-alive"), ("KEEP-ALIVE", "timeout=5"), ("Te", "trailers"),
            ("Trailer", "X"), ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"), ("X-Keep", "1"), ("Content-Type", "j"),
        ])
        HopByHop.strip(&headers)
        #expect(headers == HTTPHeaders([("Host", "a"), ("X-Keep", "1"), ("Content-Type", "j")]))
    }

    @Test("headers named by Connection go too")
    func named() {
        var headers = HTTPHeaders([("Connection", "X-Secret, x-other"), ("X-Secret", "s"), ("X-Other", "o"), ("X-Public", "p")])
        HopByHop.strip(&headers)
        #expect(headers == HTTPHeaders([("X-Public", "p")]))
    }

    @Test("Proxy-* headers go, whatever their case; similar names stay")
    func proxyPrefix() {
        var headers = HTTPHeaders([("Proxy-Authorization", "b"), ("PROXY-Connection", "k"), ("proxy-x", "1"), ("Proxyish", "stay"), ("X-Proxy", "stay")])
        HopByHop.strip(&headers)
        #expect(headers == HTTPHeaders([("Proxyish", "stay"), ("X-Proxy", "stay")]))
    }

    @Test("header names compare ASCII case-insensitively, letters only")
    func namesEqual() {
        #expect(HTTPHeaders.namesEqual("Content-Type", "content-type"))
        #expect(HTTPHeaders.namesEqual("X-A", "x-a"))
        #expect(!HTTPHeaders.namesEqual("X-A", "X-B"))
        #expect(!HTTPHeaders.namesEqual("a@", "a`"))  // 0x40 vs 0x60 differ in bit 0x20 but are not letters
        #expect(!HTTPHeaders.namesEqual("abc", "abcd"))
    }
}
