import HTTP
import Testing

@Suite("Response decoding")
struct ResponseDecoderTests {
    @Test("Response with Content-Length")
    func contentLength() {
        for pieceSize in [Int.max, 1] {
            let outcome = decodeResponses(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"data\":{}}",
                pieceSize: pieceSize
            )
            #expect(outcome.error == nil)
            #expect(outcome.heads.first?.status == 200)
            #expect(outcome.heads.first?.reason == "OK")
            #expect(outcome.heads.first?.headers["content-type"] == "application/json")
            #expect(outcome.body == bytes("{\"data\":{}}"))
            #expect(outcome.events.last == .end)
        }
    }

    @Test("Chunked response")
    func chunked() {
        let outcome = decodeResponses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n", pieceSize: 3)
        #expect(outcome.error == nil)
        #expect(outcome.body == bytes("Wikipedia"))
        #expect(outcome.events.last == .end)
    }

    @Test("Body delimited by close ends at finishOnClose")
    func closeDelimited() throws {
        var decoder = HTTPResponseDecoder()
        decoder.expectResponse(toMethod: "GET")
        decoder.append(bytes("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nsome"))
        #expect(try decoder.next() != nil)
        #expect(decoder.bodyEndsOnClose)
        #expect(try decoder.next() == .body(bytes("some")))
        #expect(try decoder.next() == nil)
        decoder.append(bytes(" more"))
        #expect(try decoder.next() == .body(bytes(" more")))
        #expect(try decoder.finishOnClose() == .end)
        #expect(try decoder.finishOnClose() == nil)
        #expect(!decoder.bodyEndsOnClose)
    }

    @Test("finishOnClose hands over buffered body bytes before the end")
    func closeDelimitedBuffered() {
        let outcome = decodeResponses("HTTP/1.1 200 OK\r\n\r\nabc", pieceSize: 2, close: true)
        #expect(outcome.error == nil)
        #expect(outcome.body == bytes("abc"))
        #expect(outcome.events.last == .end)
    }

    @Test("Close before the Content-Length body is complete is truncated")
    func truncatedBody() {
        let outcome = decodeResponses("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close: true)
        #expect(outcome.error == HTTPParseError(.truncated))
        #expect(outcome.body == bytes("abc"))
    }

    @Test("Close in the middle of a head is truncated")
    func truncatedHead() {
        #expect(decodeResponses("HTTP/1.1 200 OK\r\nContent-Le", close: true).error == HTTPParseError(.truncated))
        #expect(decodeResponses("HTTP/1.1 20", close: true).error == HTTPParseError(.truncated))
    }

    @Test("Close in the middle of a chunked body is truncated")
    func truncatedChunked() {
        let outcome = decodeResponses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", close: true)
        #expect(outcome.error == HTTPParseError(.truncated))
    }

    @Test("Close between responses is clean")
    func cleanClose() {
        let outcome = decodeResponses("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", close: true)
        #expect(outcome.error == nil)
        #expect(outcome.events.count == 3)
    }

    @Test("204 and 304 have no body even with framing headers")
    func noContentStatuses() {
        let noContent = decodeResponses("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n")
        #expect(noContent.error == nil)
        #expect(noContent.events.count == 2)
        let notModified = decodeResponses("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(notModified.error == nil)
        #expect(notModified.events.count == 2)
    }

    @Test("Response to HEAD has no body")
    func headResponse() {
        let outcome = decodeResponses(
            "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            methods: ["HEAD", "GET"]
        )
        #expect(outcome.error == nil)
        #expect(outcome.events == [
            .head(HTTPResponseHead(status: 200, headers: HTTPHeaders([("Content-Length", "1234")]))),
            .end,
            .head(HTTPResponseHead(status: 200, headers: HTTPHeaders([("Content-Length", "2")]))),
            .body(bytes("ok")),
            .end,
        ])
    }

    @Test("100 Continue is reported, then the final response")
    func continueThenOK() {
        let outcome = decodeResponses(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            methods: ["POST"],
            pieceSize: 5
        )
        #expect(outcome.error == nil)
        #expect(outcome.heads.map(\.status) == [100, 200])
        #expect(outcome.events.count(where: { $0 == .end }) == 1)
        #expect(outcome.body == bytes("ok"))
    }

    @Test("Response with an empty reason phrase, with or without the space")
    func emptyReason() {
        let outcome = decodeResponses("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\nHTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", methods: ["GET", "GET"])
        #expect(outcome.error == nil)
        #expect(outcome.heads.map(\.status) == [200, 404])
        #expect(outcome.heads.map(\.reason) == ["", ""])
    }

    @Test("Response keep-alive follows version and Connection")
    func responseKeepAlive() {
        #expect(decodeResponses("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").heads.first?.keepAlive == true)
        #expect(decodeResponses("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").heads.first?.keepAlive == false)
        #expect(decodeResponses("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").heads.first?.keepAlive == false)
    }

    @Test("Response with Content-Length and Transfer-Encoding is rejected")
    func responseSmuggling() {
        let outcome = decodeResponses("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        #expect(outcome.error == HTTPParseError(.contentLengthWithTransferEncoding))
    }

    @Test("Response with two Content-Length headers is rejected")
    func responseDuplicateLength() {
        let outcome = decodeResponses("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc")
        #expect(outcome.error == HTTPParseError(.multipleContentLength))
    }

    @Test("Malformed status lines are rejected", arguments: [
        ("HTTP/1.1 2000 OK", HTTPParseError.Kind.invalidStatusCode),
        ("HTTP/1.1 20 OK", .invalidStatusCode),
        ("HTTP/1.1 099 Low", .invalidStatusCode),
        ("HTTP/1.1 600 High", .invalidStatusCode),
        ("HTTP/1.1 abc OK", .invalidStatusCode),
        ("HTTP/1.1", .malformedStatusLine),
        ("HTTP/1.1 200 O\u{1}K", .malformedStatusLine),
        ("HTTP/2.0 200 OK", .unsupportedVersion),
        ("HTTP/1.x 200 OK", .malformedVersion),
    ])
    func malformedStatusLine(line: String, kind: HTTPParseError.Kind) {
        #expect(decodeResponses(line + "\r\nContent-Length: 0\r\n\r\n").error?.kind == kind)
    }

    @Test("Bare LF in a response head is rejected")
    func responseBareLF() {
        #expect(decodeResponses("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n").error == HTTPParseError(.bareLF))
    }

    @Test("Response body limit applies when set")
    func responseBodyLimit() {
        let outcome = decodeResponses(
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
            limits: HTTPLimits(maxBodyBytes: 10)
        )
        #expect(outcome.error == HTTPParseError(.bodyTooLarge))
    }

    @Test("Response decoder reports idle and buffered bytes, and skips bounded leading empty lines")
    func responseIdle() throws {
        var decoder = HTTPResponseDecoder()
        #expect(decoder.isIdle)
        decoder.expectResponse(toMethod: "GET")
        let input = bytes("\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        input.withUnsafeBytes { decoder.append($0) }
        #expect(decoder.bufferedByteCount == input.count)
        #expect(!decoder.isIdle)
        #expect(try decoder.next() != nil)
        #expect(try decoder.next() == .body(bytes("ok")))
        #expect(try decoder.next() == .end)
        #expect(decoder.isIdle)
        let tooMany = decodeResponses(String(repeating: "\r\n", count: 20) + "HTTP/1.1 200 OK\r\n\r\n")
        #expect(tooMany.error == HTTPParseError(.tooManyLeadingEmptyLines))
    }
}
