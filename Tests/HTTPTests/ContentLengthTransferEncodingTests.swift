import HTTP
import Testing

/// Request smuggling: every way two parsers could disagree on where a body ends is a 400.
@Suite("Framing: Content-Length and Transfer-Encoding")
struct ContentLengthTransferEncodingTests {
    @Test("Content-Length with Transfer-Encoding is rejected")
    func contentLengthWithTransferEncoding() {
        expectRejected(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            .contentLengthWithTransferEncoding
        )
    }

    @Test("Transfer-Encoding before Content-Length is rejected")
    func transferEncodingThenContentLength() {
        expectRejected(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
            .contentLengthWithTransferEncoding
        )
        #expect(HTTPParseError(.contentLengthWithTransferEncoding).description == "Content-Length together with Transfer-Encoding")
    }

    @Test("Two equal Content-Length headers are rejected")
    func duplicateEqualContentLength() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", .multipleContentLength)
    }

    @Test("Two different Content-Length headers are rejected")
    func duplicateDifferentContentLength() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", .multipleContentLength)
    }

    @Test("Content-Length as a comma list is rejected")
    func contentLengthList() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc", .contentLengthList)
    }

    @Test("Non-digit Content-Length is rejected")
    func nonDigitContentLength() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3a\r\n\r\nabc", .invalidContentLength)
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", .invalidContentLength)
    }

    @Test("Content-Length with a plus sign is rejected")
    func plusSignedContentLength() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", .invalidContentLength)
    }

    @Test("Negative Content-Length is rejected")
    func negativeContentLength() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", .invalidContentLength)
    }

    @Test("Empty Content-Length is rejected")
    func emptyContentLength() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", .invalidContentLength)
    }

    @Test("Content-Length with whitespace inside the number is rejected")
    func spacedContentLength() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 0\r\n\r\n0123456789", .invalidContentLength)
    }

    @Test("Overflowing Content-Length is rejected")
    func overflowingContentLength() {
        expectRejected(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            .contentLengthOverflow
        )
        expectRejected(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n",
            .contentLengthOverflow
        )
    }

    @Test("Content-Length with surrounding whitespace and leading zeros is accepted")
    func contentLengthOptionalWhitespace() {
        let (_, body) = expectOneRequest("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \t003 \r\n\r\nabc")
        #expect(body == bytes("abc"))
    }

    @Test("Transfer-Encoding gzip, chunked is rejected")
    func gzipThenChunked() {
        expectRejected(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            .unsupportedTransferEncoding
        )
    }

    @Test("Transfer-Encoding chunked, gzip is rejected")
    func chunkedThenGzip() {
        expectRejected(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
            .unsupportedTransferEncoding
        )
    }

    @Test("Transfer-Encoding chunked twice in one header is rejected")
    func chunkedTwiceInOneHeader() {
        expectRejected(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
            .unsupportedTransferEncoding
        )
    }

    @Test("Two Transfer-Encoding: chunked headers are rejected")
    func chunkedTwiceInTwoHeaders() {
        expectRejected(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            .unsupportedTransferEncoding
        )
    }

    @Test("Transfer-Encoding xchunked is rejected")
    func xchunked() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", .unsupportedTransferEncoding)
    }

    @Test("Transfer-Encoding chunked with a trailing comma is rejected")
    func chunkedTrailingComma() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked,\r\n\r\n0\r\n\r\n", .unsupportedTransferEncoding)
    }

    @Test("Transfer-Encoding identity is rejected")
    func identityEncoding() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", .unsupportedTransferEncoding)
    }

    @Test("Empty Transfer-Encoding is rejected")
    func emptyTransferEncoding() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n", .unsupportedTransferEncoding)
    }

    @Test("Transfer-Encoding in an HTTP/1.0 request is rejected")
    func transferEncodingInHTTP10() {
        expectRejected("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .transferEncodingInHTTP10)
    }

    @Test("Transfer-Encoding chunked in odd case and with whitespace is accepted")
    func chunkedOddCase() {
        let (head, body) = expectOneRequest("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  ChUnKeD \t\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        #expect(head?.method == "POST")
        #expect(body == bytes("abc"))
    }
}
