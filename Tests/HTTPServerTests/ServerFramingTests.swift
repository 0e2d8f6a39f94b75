import HTTP
import HTTPServer
import Testing
import TestSupport

/// Every request-smuggling shape of RFC 9112 that the issue lists: the
/// server answers with an error status and closes the connection, so nothing
/// after the bad message is ever read as a request.
@Suite("HTTP server: strict framing, answered and closed")
struct ServerFramingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: String
        let status: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "Content-Length with Transfer-Encoding",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "two equal Content-Length headers",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", status: 400),
        Case(name: "differing Content-Length headers",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", status: 400),
        Case(name: "Content-Length list",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc", status: 400),
        Case(name: "Transfer-Encoding gzip, chunked",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "Transfer-Encoding chunked, gzip (not final)",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "Transfer-Encoding chunked twice",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "Transfer-Encoding xchunked",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "obs-fold continuation line",
             bytes: "GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n", status: 400),
        Case(name: "space before the colon",
             bytes: "GET / HTTP/1.1\r\nHost: x\r\nX-A : one\r\n\r\n", status: 400),
        Case(name: "bare LF line ending",
             bytes: "GET / HTTP/1.1\nHost: x\n\n", status: 400),
        Case(name: "bare CR in a header value",
             bytes: "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", status: 400),
        Case(name: "NUL in a header value",
             bytes: "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u{0}b\r\n\r\n", status: 400),
        Case(name: "control byte in the request target",
             bytes: "GET /a\u{1}b HTTP/1.1\r\nHost: x\r\n\r\n", status: 400),
        Case(name: "non-hex chunk size",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", status: 400),
        Case(name: "overflowing chunk size",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nabc\r\n0\r\n\r\n", status: 400),
        Case(name: "missing CRLF after chunk data",
             bytes: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n", status: 400),
        Case(name: "non-token method",
             bytes: "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", status: 400),
        Case(name: "HTTP/0.9 request line",
             bytes: "GET /\r\n\r\n", status: 400),
        Case(name: "unknown version HTTP/1.2",
             bytes: "GET / HTTP/1.2\r\nHost: x\r\n\r\n", status: 505),
        Case(name: "HTTP/2 connection preface",
             bytes: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", status: 505),
        Case(name: "HTTP/1.1 without Host",
             bytes: "GET / HTTP/1.1\r\n\r\n", status: 400),
    ]

    @Test("bad framing is answered with an error and the connection closed", arguments: cases)
    func rejectedAndClosed(_ testCase: Case) throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        // A valid request follows the bad one: it must never be answered.
        try client.send(testCase.bytes + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == testCase.status, "\(testCase.name): \(response.text)")
        #expect(response.head.headers["Connection"]?.lowercased() == "close")
        #expect(client.isClosedByPeer(), "\(testCase.name): connection left open")
    }

    @Test("the HTTP/2 preface gets a clear message")
    func http2Message() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.text.contains("HTTP/2"))
    }
}

@Suite("HTTP server: limits")
struct ServerLimitTests {
    /// Sends `request` to a fresh server with `limits`; the status it answers.
    static func status(_ limits: HTTPLimits, _ request: String, keepInterim: Bool = false) throws -> Int {
        let server = try TestServer(limits: limits)
        let client = try RawHTTPClient(port: server.port)
        try client.send(request)
        return try client.readResponse(keepInterim: keepInterim).status
    }

    @Test("a body exactly at the limit is accepted")
    func bodyAtLimit() throws {
        let server = try TestServer(limits: HTTPLimits(maxBodyBytes: 1024))
        let client = try RawHTTPClient(port: server.port)
        let body = String(repeating: "a", count: 1024)
        try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" + body)
        #expect(try client.readResponse().text.hasPrefix("POST / 1024"))
    }

    @Test("a Content-Length past the limit is 413 before the body is read")
    func bodyPastLimit() throws {
        let server = try TestServer(limits: HTTPLimits(maxBodyBytes: 1024))
        let client = try RawHTTPClient(port: server.port)
        try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n")
        #expect(try client.readResponse().status == 413)
        #expect(client.isClosedByPeer())
    }

    @Test("a chunked body growing past the limit is 413")
    func chunkedPastLimit() throws {
        let chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n"
        #expect(try Self.status(HTTPLimits(maxBodyBytes: 10), chunked) == 413)
    }

    @Test("Expect: 100-continue with an oversized body gets 413, not 100")
    func expectContinueTooLarge() throws {
        let request = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n"
        #expect(try Self.status(HTTPLimits(maxBodyBytes: 10), request, keepInterim: true) == 413)
    }

    @Test("a header section over the byte limit is 431")
    func headerBytes() throws {
        let request = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 2000))\r\n\r\n"
        #expect(try Self.status(HTTPLimits(maxHeaderBytes: 1024), request) == 431)
    }

    @Test("more headers than allowed is 431")
    func headerCount() throws {
        let many = (0..<12).map { "X-H\($0): v\r\n" }.joined()
        #expect(try Self.status(HTTPLimits(maxHeaderCount: 10), "GET / HTTP/1.1\r\nHost: x\r\n\(many)\r\n") == 431)
    }

    @Test("a request line over the limit is 414")
    func requestLine() throws {
        let request = "GET /\(String(repeating: "a", count: 400)) HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(try Self.status(HTTPLimits(maxRequestLineBytes: 256), request) == 414)
    }

    @Test("past max connections new clients wait (backpressure) and are served once a slot frees")
    func connectionLimit() throws {
        let server = try TestServer(maxConnections: 2, loops: 1)
        let first = try RawHTTPClient(port: server.port)
        let second = try RawHTTPClient(port: server.port)
        try first.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n")
        try second.send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try first.readResponse().status == 200)
        #expect(try second.readResponse().status == 200)
        // The third connects (kernel backlog) but is not served while two are open.
        let third = try RawHTTPClient(port: server.port, timeout: 0.5)
        try third.send("GET /3 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(throws: (any Error).self) { try third.readResponse() }
        try first.send("GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        _ = try first.readResponse()
        #expect(first.isClosedByPeer())
        // A slot is free: the waiting client is accepted and its request answered.
        #expect(try third.readResponse().status == 200)
        #expect(server.server.counters.openConnections <= 2)
    }
}
