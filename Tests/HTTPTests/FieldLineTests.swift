import HTTP
import Testing

@Suite("Header field lines")
struct FieldLineTests {
    @Test("Obsolete line folding (SP) is rejected")
    func obsFoldSpace() {
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n", .obsFold)
    }

    @Test("Obsolete line folding (HTAB) is rejected")
    func obsFoldTab() {
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n\ttwo\r\n\r\n", .obsFold)
    }

    @Test("Whitespace before the first field line is rejected")
    func whitespaceBeforeFirstField() {
        expectRejected("GET / HTTP/1.1\r\n Host: a\r\n\r\n", .obsFold)
    }

    @Test("Space between field name and colon is rejected")
    func spaceBeforeColon() {
        expectRejected("GET / HTTP/1.1\r\nHost : a\r\n\r\n", .whitespaceBeforeColon)
    }

    @Test("Tab between field name and colon is rejected")
    func tabBeforeColon() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length\t: 3\r\n\r\nabc", .whitespaceBeforeColon)
    }

    @Test("Empty field name is rejected")
    func emptyName() {
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\n: value\r\n\r\n", .emptyHeaderName)
    }

    @Test("Non-token characters in a field name are rejected", arguments: [
        "X(y): 1", "X y: 1", "X\"y: 1", "X/y: 1", "X@y: 1", "X\u{7F}y: 1", "X\u{1}y: 1", "Xé: 1", "[x]: 1", "X{y}: 1",
    ])
    func nonTokenName(line: String) {
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\n\(line)\r\n\r\n", .invalidHeaderName)
    }

    @Test("Field line without a colon is rejected")
    func missingColon() {
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\nJustAName\r\n\r\n", .missingColon)
    }

    @Test("HTAB and obs-text in values are accepted; surrounding whitespace is trimmed")
    func valueCharacters() {
        let (head, _) = expectOneRequest("GET / HTTP/1.1\r\nHost: a\r\nX-A: \t one\ttwo \t\r\nX-B: caf\u{E9}\r\nX-C:\r\n\r\n")
        #expect(head?.headers["x-a"] == "one\ttwo")
        #expect(head?.headers["X-B"] == "caf\u{E9}")
        #expect(head?.headers["X-C"] == "")
    }

    @Test("Names keep their case, in order, and repeated fields are all kept")
    func orderAndCase() {
        let (head, _) = expectOneRequest("GET / HTTP/1.1\r\nhOsT: a\r\nX-Tag: 1\r\nx-tag: 2\r\nAccept: */*\r\n\r\n")
        let pairs = head.map { Array($0.headers).map { "\($0.name)=\($0.value)" } }
        #expect(pairs == ["hOsT=a", "X-Tag=1", "x-tag=2", "Accept=*/*"])
        #expect(head?.headers.values(for: "X-TAG") == ["1", "2"])
    }

    @Test("HTTP/1.1 request without Host is rejected")
    func missingHost() {
        expectRejected("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", .missingHost)
    }

    @Test("Request with two Host headers is rejected")
    func multipleHost() {
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .multipleHost)
        expectRejected("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", .multipleHost)
    }

    @Test("Host with bytes outside host and port is rejected", arguments: ["a b", "a/b", "user@a", "a?b", "a#b", "h\u{E9}te"])
    func invalidHost(value: String) {
        expectRejected("GET / HTTP/1.1\r\nHost: \(value)\r\n\r\n", .invalidHost)
    }

    @Test("Host names, IPv6 literals, ports and an empty Host are accepted", arguments: ["example.com", "127.0.0.1:8080", "[::1]:443", "xn--bcher-kva.example", ""])
    func validHost(value: String) {
        let (head, _) = expectOneRequest("GET / HTTP/1.1\r\nHost: \(value)\r\n\r\n")
        #expect(head?.headers["Host"] == value)
    }

    @Test("HTTP/1.0 request without Host is accepted")
    func http10WithoutHost() {
        let (head, _) = expectOneRequest("GET / HTTP/1.0\r\n\r\n")
        #expect(head?.version == .http1_0)
    }
}
