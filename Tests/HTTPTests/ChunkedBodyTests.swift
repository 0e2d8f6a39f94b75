import HTTP
import Testing

@Suite("Chunked request bodies")
struct ChunkedBodyTests {
    private func chunked(_ body: String) -> String {
        "POST /graphql HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    }

    @Test("Chunked body with extensions and trailers decodes; trailers are dropped")
    func extensionsAndTrailers() {
        let (head, body) = expectOneRequest(chunked(
            "5;name=value\r\nhello\r\n1 ; a ; b = \"q \\\" x\"\r\n \r\n6\r\nworld!\r\n0;last\r\nX-Trailer: 1\r\nX-Other: two\r\n\r\n"
        ))
        #expect(body == bytes("hello world!"))
        #expect(head?.headers.contains("X-Trailer") == false)
    }

    @Test("Hex chunk sizes of either case decode")
    func hexSizes() {
        let payload = String(repeating: "x", count: 0x1A)
        let (_, body) = expectOneRequest(chunked("1a\r\n\(payload)\r\n00001A\r\n\(payload)\r\n0\r\n\r\n"))
        #expect(body.count == 0x34)
    }

    @Test("Non-hex chunk size is rejected")
    func nonHexSize() {
        expectRejected(chunked("g\r\nx\r\n0\r\n\r\n"), .invalidChunkSize)
    }

    @Test("Empty chunk size is rejected")
    func emptySize() {
        expectRejected(chunked("\r\nx\r\n0\r\n\r\n"), .invalidChunkSize)
    }

    @Test("Chunk size with 0x prefix is rejected")
    func hexPrefixSize() {
        expectRejected(chunked("0x5\r\nhello\r\n0\r\n\r\n"), .invalidChunkSize)
    }

    @Test("Negative chunk size is rejected")
    func negativeSize() {
        expectRejected(chunked("-5\r\nhello\r\n0\r\n\r\n"), .invalidChunkSize)
    }

    @Test("Chunk size followed by whitespace only is rejected")
    func trailingWhitespaceSize() {
        expectRejected(chunked("5 \r\nhello\r\n0\r\n\r\n"), .invalidChunkSize)
    }

    @Test("Chunk size with more than 15 hex digits is rejected")
    func overflowingSize() {
        expectRejected(chunked("10000000000000000\r\nx\r\n"), .chunkSizeOverflow)
        expectRejected(chunked("ffffffffffffffffff\r\nx\r\n"), .chunkSizeOverflow)
    }

    @Test("Chunk size of 15 hex digits past the body limit is 413")
    func hugeSizeIsTooLarge() {
        expectRejected(chunked("fffffffffffffff\r\nx\r\n"), .bodyTooLarge, status: 413)
    }

    @Test("Chunk data not followed by CRLF is rejected")
    func missingCRLFAfterData() {
        expectRejected(chunked("5\r\nhelloXX0\r\n\r\n"), .missingChunkCRLF)
        expectRejected(chunked("5\r\nhello\rX0\r\n\r\n"), .missingChunkCRLF)
        expectRejected(chunked("5\r\nhello\n0\r\n\r\n"), .missingChunkCRLF)
    }

    @Test("Malformed chunk extensions are rejected", arguments: ["5;", "5;=v", "5;a=", "5;a=\"open", "5;a b", "5;a=(x)", "5;a=\"x\\\u{1}\"", "5;a=\"x\\", "5;a=\"x\u{1}\""])
    func malformedExtension(sizeLine: String) {
        expectRejected(chunked("\(sizeLine)\r\nhello\r\n0\r\n\r\n"), .invalidChunkExtension)
    }

    @Test("Overlong chunk extensions are rejected")
    func overlongExtension() {
        let limits = HTTPLimits(maxChunkLineBytes: 64)
        expectRejected(chunked("5;a=\(String(repeating: "b", count: 100))\r\nhello\r\n0\r\n\r\n"), .chunkLineTooLong, limits: limits)
        expectRejected(chunked("5;a=\(String(repeating: "b", count: 100))"), .chunkLineTooLong, limits: limits)
    }

    @Test("Trailer section over the header byte limit is 431")
    func trailersTooLarge() {
        let limits = HTTPLimits(maxHeaderBytes: 100)
        expectRejected(chunked("0\r\nX: \(String(repeating: "t", count: 200))\r\n\r\n"), .trailersTooLarge, status: 431, limits: limits)
    }

    @Test("More trailers than the header count limit is 431")
    func tooManyTrailers() {
        let limits = HTTPLimits(maxHeaderCount: 3)
        expectRejected(chunked("0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"), .trailersTooLarge, status: 431, limits: limits)
    }

    @Test("Malformed trailer field is rejected")
    func malformedTrailer() {
        expectRejected(chunked("0\r\nX : 1\r\n\r\n"), .whitespaceBeforeColon)
        expectRejected(chunked("0\r\nX: 1\n\r\n"), .bareLF)
    }

    @Test("Chunked body whose sizes add up past the limit is 413")
    func chunkedPastLimit() {
        let limits = HTTPLimits(maxBodyBytes: 8)
        expectRejected(chunked("5\r\nhello\r\n4\r\nwxyz\r\n0\r\n\r\n"), .bodyTooLarge, status: 413, limits: limits)
        let (_, body) = expectOneRequest(chunked("5\r\nhello\r\n3\r\nxyz\r\n0\r\n\r\n"), limits: limits)
        #expect(body == bytes("helloxyz"))
    }

    @Test("Chunked body fails before the oversized chunk's data is read")
    func chunkedLimitBeforeData() {
        var decoder = HTTPRequestDecoder(limits: HTTPLimits(maxBodyBytes: 4))
        decoder.append(bytes(chunked("10\r\n")))
        #expect(throws: HTTPParseError(.bodyTooLarge)) {
            while try decoder.next() != nil {}
        }
    }

    @Test("Data of chunks already buffered comes as one slice")
    func chunksJoined() {
        let outcome = decodeRequests(chunked("1\r\na\r\n1\r\nb\r\n2\r\ncd\r\n0\r\n\r\n"))
        #expect(outcome.error == nil)
        #expect(outcome.events.count == 3)
        #expect(outcome.events[1] == .body(bytes("abcd")))
    }

    @Test("Data before a framing error is handed over, then the error")
    func dataBeforeError() throws {
        var decoder = HTTPRequestDecoder()
        decoder.append(bytes(chunked("5\r\nhello\r\nzz\r\n")))
        guard case .head = try decoder.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(try decoder.next() == .body(bytes("hello")))
        #expect(throws: HTTPParseError(.invalidChunkSize)) { try decoder.next() }
        #expect(throws: HTTPParseError(.invalidChunkSize)) { try decoder.next() }
    }
}
