import HTTP
import Testing

@Suite("Request line")
struct RequestLineTests {
    @Test("Method with a space inside (GE T) is rejected")
    func methodWithSpace() {
        expectRejected("GE T / HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine)
    }

    @Test("Non-token method (G(T) is rejected")
    func nonTokenMethod() {
        expectRejected("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod)
        expectRejected("G\u{E9}T / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod)
    }

    @Test("Empty method is rejected")
    func emptyMethod() {
        expectRejected(" / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod)
    }

    @Test("Empty request target is rejected")
    func emptyTarget() {
        expectRejected("GET  HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget)
    }

    @Test("Double space between method and target is rejected")
    func doubleSpace() {
        expectRejected("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine)
    }

    @Test("Trailing space after the version is rejected")
    func trailingSpace() {
        expectRejected("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", .malformedRequestLine)
    }

    @Test("Request line without any space is rejected")
    func noSpace() {
        expectRejected("GET\r\nHost: a\r\n\r\n", .malformedRequestLine)
    }

    @Test("Request line with version but no target is rejected")
    func versionWithoutTarget() {
        expectRejected("GET HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine)
    }

    @Test("Target with non-ASCII bytes is rejected")
    func nonASCIITarget() {
        expectRejected("GET /caf\u{E9} HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget)
    }

    @Test("Target with a fragment is rejected")
    func fragmentTarget() {
        expectRejected("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget)
    }

    @Test("Target that is neither origin-form nor absolute-form is rejected", arguments: ["a/b", "example.com:80", "1http://x/", "http:/x", "http://"])
    func unknownTargetForm(target: String) {
        expectRejected("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget)
    }

    @Test("Asterisk target is accepted for OPTIONS")
    func asteriskOptions() {
        let (head, _) = expectOneRequest("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(head?.target == "*")
        #expect(head?.path == "*")
    }

    @Test("Asterisk target is rejected for GET")
    func asteriskGet() {
        expectRejected("GET * HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget)
    }

    @Test("Authority-form is accepted for CONNECT")
    func connectAuthority() {
        let (head, _) = expectOneRequest("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        #expect(head?.method == "CONNECT")
        #expect(head?.target == "example.com:443")
    }

    @Test("CONNECT with an origin-form target is rejected")
    func connectOrigin() {
        expectRejected("CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget)
        expectRejected("CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget)
    }

    @Test("Absolute-form target is accepted; path and query come from it")
    func absoluteForm() {
        let (head, _) = expectOneRequest("GET http://example.com:8080/graphql?x=1&y=2 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n")
        #expect(head?.target == "http://example.com:8080/graphql?x=1&y=2")
        #expect(head?.path == "/graphql")
        #expect(head?.query == "x=1&y=2")
        let (bare, _) = expectOneRequest("GET https://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(bare?.path == "/")
        #expect(bare?.query == nil)
    }

    @Test("Origin-form path and query")
    func originForm() {
        let (head, _) = expectOneRequest("GET /admin/budget/status?tenant=acme&x HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(head?.path == "/admin/budget/status")
        #expect(head?.query == "tenant=acme&x")
        let (noQuery, _) = expectOneRequest("GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(noQuery?.path == "/health")
        #expect(noQuery?.query == nil)
        let (emptyQuery, _) = expectOneRequest("GET /health? HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(emptyQuery?.query == "")
    }

    @Test("Methods are case-sensitive tokens and kept as sent")
    func extensionMethod() {
        let (head, _) = expectOneRequest("get / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(head?.method == "get")
        let (purge, _) = expectOneRequest("PURGE /x HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(purge?.method == "PURGE")
    }

    @Test("HTTP/0.9 request line without a version is rejected")
    func http09() {
        expectRejected("GET /\r\n\r\n", .http09)
        expectRejected("GET /index.html\r\n", .http09)
    }

    @Test("Unsupported versions are 505", arguments: ["HTTP/1.2", "HTTP/2.0", "HTTP/3", "HTTP/2", "HTTP/0.9", "HTTP/9.9"])
    func unsupportedVersion(version: String) {
        expectRejected("GET / \(version)\r\nHost: a\r\n\r\n", .unsupportedVersion, status: 505)
    }

    @Test("Malformed versions are 400", arguments: ["HTTP/1.x", "http/1.1", "HTTP/1.10", "HTTP/1", "HTTP/11", "HTTP/", "HTTP/1.1.1", "HTTPS/1.1", "1.1"])
    func malformedVersion(version: String) {
        expectRejected("GET / \(version)\r\nHost: a\r\n\r\n", .malformedVersion)
    }

    @Test("The HTTP/2 connection preface is rejected with its own kind")
    func http2Preface() {
        expectRejected("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", .http2Preface, status: 505)
        #expect(
            HTTPParseError(.http2Preface).description
                == "HTTP/2 is not supported on this port; use HTTP/1.1 (prior-knowledge h2c is not accepted)"
        )
    }

    @Test("The HTTP/2 preface is recognised from its first line alone")
    func http2PrefaceFirstLine() {
        var decoder = HTTPRequestDecoder()
        decoder.append(bytes("PRI * HTTP/2.0\r\n"))
        #expect(throws: HTTPParseError(.http2Preface)) { try decoder.next() }
    }

    @Test("Leading empty lines before the request line are skipped")
    func leadingEmptyLines() {
        let (head, _) = expectOneRequest("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(head?.path == "/")
    }

    @Test("Too many leading empty lines are rejected")
    func tooManyLeadingEmptyLines() {
        expectRejected(String(repeating: "\r\n", count: 9) + "GET / HTTP/1.1\r\nHost: a\r\n\r\n", .tooManyLeadingEmptyLines)
        expectRejected(String(repeating: "\r\n", count: 1000), .tooManyLeadingEmptyLines)
    }
}
