import HTTP
import Testing

@Suite("Request decoding")
struct RequestDecoderTests {
    @Test("GET without a body yields head then end")
    func getWithoutBody() {
        let outcome = decodeRequests("GET /health HTTP/1.1\r\nHost: localhost:8080\r\nAccept: */*\r\n\r\n")
        #expect(outcome.error == nil)
        let expected = HTTPRequestHead(
            method: "GET", target: "/health", version: .http1_1,
            headers: HTTPHeaders([("Host", "localhost:8080"), ("Accept", "*/*")])
        )
        #expect(outcome.events == [.head(expected), .end])
    }

    @Test("POST body fed a byte at a time arrives whole")
    func postByteAtATime() {
        let body = #"{"query":"{ me { id } }"}"#
        let text = "POST /graphql HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let outcome = decodeRequests(text, pieceSize: 1)
        #expect(outcome.error == nil)
        #expect(outcome.heads.count == 1)
        #expect(outcome.bodies == [bytes(body)])
        #expect(outcome.events.last == .end)
    }

    @Test("Body bytes already buffered come as one slice")
    func bodyInOneSlice() {
        let outcome = decodeRequests("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789")
        #expect(outcome.events.count == 3)
        #expect(outcome.events[1] == .body(bytes("0123456789")))
    }

    @Test("Bytes of the next request are not taken as body")
    func bodyStopsAtLength() {
        let outcome = decodeRequests("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(outcome.error == nil)
        #expect(outcome.bodies == [bytes("abc"), []])
        #expect(outcome.heads.map(\.method) == ["POST", "GET"])
    }

    @Test("Two pipelined requests in one buffer")
    func twoPipelined() {
        let outcome = decodeRequests(
            "GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
        )
        #expect(outcome.error == nil)
        #expect(outcome.heads.map(\.target) == ["/a", "/b"])
        #expect(outcome.bodies == [[], bytes("hi")])
    }

    @Test("Three pipelined requests in one buffer, including a chunked one")
    func threePipelined() {
        let text = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
            + "POST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
            + "DELETE /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        for pieceSize in [Int.max, 1, 7, 64] {
            let outcome = decodeRequests(text, pieceSize: pieceSize)
            #expect(outcome.error == nil)
            #expect(outcome.heads.map(\.target) == ["/1", "/2", "/3"])
            #expect(outcome.bodies == [[], bytes("ok"), []])
            #expect(outcome.heads.map(\.keepAlive) == [true, true, false])
        }
    }

    @Test("Expect: 100-continue head is returned before the body arrives")
    func expectContinue() throws {
        var decoder = HTTPRequestDecoder()
        decoder.append(bytes("POST /graphql HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n\r\n"))
        guard case .head(let head) = try decoder.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(head.expectsContinue)
        #expect(try decoder.next() == nil)
        decoder.append(bytes("body"))
        #expect(try decoder.next() == .body(bytes("body")))
        #expect(try decoder.next() == .end)
        #expect(decoder.isIdle)
    }

    @Test("A request without Expect does not expect 100-continue")
    func noExpectContinue() {
        let (head, _) = expectOneRequest("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
        #expect(head?.expectsContinue == false)
    }

    @Test("HEAD request has no body")
    func headRequest() {
        let outcome = decodeRequests("HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(outcome.error == nil)
        #expect(outcome.events.count == 2)
        #expect(outcome.heads.first?.method == "HEAD")
    }

    @Test("HTTP/1.0 keep-alive needs Connection: keep-alive")
    func http10KeepAlive() {
        #expect(expectOneRequest("GET / HTTP/1.0\r\n\r\n").head?.keepAlive == false)
        #expect(expectOneRequest("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").head?.keepAlive == true)
        #expect(expectOneRequest("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").head?.keepAlive == false)
    }

    @Test("HTTP/1.1 keeps alive unless Connection: close")
    func http11KeepAlive() {
        #expect(expectOneRequest("GET / HTTP/1.1\r\nHost: a\r\n\r\n").head?.keepAlive == true)
        #expect(expectOneRequest("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, CLOSE\r\n\r\n").head?.keepAlive == false)
        #expect(expectOneRequest("GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n").head?.keepAlive == true)
    }

    @Test("HTTP/1.0 request with Content-Length body")
    func http10Body() {
        let (head, body) = expectOneRequest("POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nok")
        #expect(head?.version == .http1_0)
        #expect(body == bytes("ok"))
    }

    @Test("Idle and buffered state follow the message")
    func idleAndBuffered() throws {
        var decoder = HTTPRequestDecoder()
        #expect(decoder.isIdle)
        #expect(decoder.bufferedByteCount == 0)
        decoder.append(bytes("GET / HT"))
        #expect(!decoder.isIdle)
        #expect(try decoder.next() == nil)
        #expect(!decoder.isIdle)
        decoder.append(bytes("TP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\n"))
        #expect(try decoder.next() != nil)
        #expect(decoder.bufferedByteCount == "GET /2 HTTP/1.1\r\n".utf8.count)
        #expect(try decoder.next() == .end)
        #expect(!decoder.isIdle)
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == 0)
        #expect(!decoder.isIdle)
        decoder.append(bytes("Host: a\r\n\r\n"))
        #expect(try decoder.next() != nil)
        #expect(try decoder.next() == .end)
        #expect(decoder.isIdle)
    }

    @Test("Appending from a raw buffer works like appending an array")
    func rawBufferAppend() throws {
        var decoder = HTTPRequestDecoder()
        let input = bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        input.withUnsafeBytes { decoder.append($0) }
        guard case .head(let head) = try decoder.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(head.headers["host"] == "a")
    }

    @Test("Every split of a pipelined stream decodes the same")
    func everySplit() {
        let text = "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n"
            + "\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        let input = bytes(text)
        let reference = decodeRequests(input)
        #expect(reference.error == nil)
        #expect(reference.bodies == [bytes("abc"), bytes("hello")])
        for split in 1..<input.count {
            var decoder = HTTPRequestDecoder()
            var events: [HTTPRequestEvent] = []
            for piece in [Array(input[..<split]), Array(input[split...])] {
                decoder.append(piece)
                while let event = try? decoder.next() {
                    events.append(event)
                }
            }
            let outcome = RequestOutcome(events: events)
            #expect(outcome.heads == reference.heads, "split at \(split)")
            #expect(outcome.bodies == reference.bodies, "split at \(split)")
        }
    }

    @Test("A long pipelined stream survives buffer compaction")
    func compaction() {
        let requests = (0..<400).map { "GET /r\($0) HTTP/1.1\r\nHost: a\r\nX-Pad: \(String(repeating: "p", count: $0 % 37))\r\n\r\n" }
        for pieceSize in [1000, 4095, 9000] {
            let outcome = decodeRequests(requests.joined(), pieceSize: pieceSize)
            #expect(outcome.error == nil)
            #expect(outcome.heads.map(\.target) == (0..<400).map { "/r\($0)" })
        }
    }

    @Test("HTTP versions spell themselves")
    func versionText() {
        #expect(HTTPVersion.http1_1.text == "HTTP/1.1")
        #expect(HTTPVersion.http1_0.text == "HTTP/1.0")
    }
}
