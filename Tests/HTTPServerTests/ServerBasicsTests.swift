import HTTP
import HTTPServer
import Testing
import TestSupport

@Suite("HTTP server: keep-alive, pipelining, bodies, framing of responses")
struct ServerBasicsTests {
    @Test("keep-alive: several requests on one connection")
    func keepAlive() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        for i in 0..<5 {
            try client.send("GET /r\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text.hasPrefix("GET /r\(i) 0"))
        }
        #expect(server.server.counters.acceptedConnections == 1)
    }

    @Test("pipelined requests are answered in order")
    func pipelining() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /slow?ms=150 HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nPOST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        #expect(try client.readResponse().text == "slow")
        #expect(try client.readResponse().text.hasPrefix("GET /b 0"))
        #expect(try client.readResponse().text == "POST /c 3\nabc")
    }

    @Test("Content-Length body split over many writes")
    func contentLengthBodyInPieces() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234")
        try client.send("56789")
        #expect(try client.readResponse().text == "POST /p 10\n0123456789")
    }

    @Test("chunked request body is de-chunked for the handler")
    func chunkedRequest() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n")
        #expect(try client.readResponse().text == "POST /c 9\nWikipedia")
    }

    @Test("a response without Content-Length is chunked to HTTP/1.1 clients")
    func chunkedResponse() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /stream?n=4 HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.head.headers["Transfer-Encoding"] == "chunked")
        #expect(response.text == "chunk-0;chunk-1;chunk-2;chunk-3;")
        // The connection stays usable after the last chunk.
        try client.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }

    @Test("a streamed response to HTTP/1.0 is delimited by close")
    func http10StreamClose() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /stream?n=2 HTTP/1.0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.text == "chunk-0;chunk-1;")
        #expect(client.isClosedByPeer())
    }

    @Test("Expect: 100-continue gets an interim 100 before the body is sent")
    func expectContinue() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        let interim = try client.readResponse(keepInterim: true)
        #expect(interim.status == 100)
        try client.send("data")
        #expect(try client.readResponse().text == "POST /e 4\ndata")
    }

    @Test("HEAD gets headers with Content-Length and no body")
    func head() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse(method: "HEAD")
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.head.headers["Content-Length"] == String("HEAD /h 0\n".utf8.count))
        try client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().text.hasPrefix("GET /after"))
    }

    @Test("Connection: close is honoured after the response")
    func connectionClose() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.head.headers["Connection"]?.lowercased() == "close")
        #expect(client.isClosedByPeer())
    }

    @Test("HTTP/1.0 without keep-alive is closed after one response")
    func http10Close() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET / HTTP/1.0\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(client.isClosedByPeer())
    }

    @Test("responses carry a Date header")
    func dateHeader() throws {
        let server = try TestServer()
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let date = try client.readResponse().head.headers["Date"] ?? ""
        #expect(date.hasSuffix(" GMT"))
    }
}
