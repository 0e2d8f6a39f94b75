import HTTP
import Testing

/// CRLF is required everywhere; a lone CR or LF is how parsers disagree on line boundaries.
@Suite("Line endings and control bytes")
struct LineEndingTests {
    @Test("Bare LF ending the request line is rejected")
    func bareLFRequestLine() {
        expectRejected("GET / HTTP/1.1\nHost: a\r\n\r\n", .bareLF)
    }

    @Test("Bare LF ending a field line is rejected")
    func bareLFFieldLine() {
        expectRejected("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", .bareLF)
    }

    @Test("Bare LF ending the header section is rejected")
    func bareLFEndOfSection() {
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\n\n", .bareLF)
    }

    @Test("Bare LF as a leading empty line is rejected")
    func bareLFLeading() {
        expectRejected("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .bareLF)
    }

    @Test("Bare CR inside a field value is rejected")
    func bareCRInValue() {
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\nX: one\rtwo\r\n\r\n", .bareCR)
    }

    @Test("Bare CR in a field name is rejected")
    func bareCRInName() {
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\nX\rY: 1\r\n\r\n", .bareCR)
    }

    @Test("CR CR LF ending a field line is rejected")
    func doubleCR() {
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\r\n\r\n", .bareCR)
    }

    @Test("Bare CR in the request line is rejected")
    func bareCRInRequestLine() {
        expectRejected("GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n", .bareCR)
    }

    @Test("NUL in a field value is rejected")
    func nulInValue() {
        expectRejected(bytes("GET / HTTP/1.1\r\nHost: a\r\nX: a") + [0] + bytes("b\r\n\r\n"), .invalidHeaderValue)
    }

    @Test("NUL in the request line is rejected")
    func nulInRequestLine() {
        expectRejected(bytes("GET /a") + [0] + bytes(" HTTP/1.1\r\nHost: a\r\n\r\n"), .invalidByteInRequestLine)
    }

    @Test("Control bytes in a field value are rejected", arguments: [0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F] as [UInt8])
    func controlInValue(byte: UInt8) {
        expectRejected(bytes("GET / HTTP/1.1\r\nHost: a\r\nX: a") + [byte] + bytes("\r\n\r\n"), .invalidHeaderValue)
    }

    @Test("Control bytes and HTAB in the request line are rejected", arguments: [0x01, 0x09, 0x1B, 0x7F] as [UInt8])
    func controlInRequestLine(byte: UInt8) {
        expectRejected(bytes("GET /") + [byte] + bytes(" HTTP/1.1\r\nHost: a\r\n\r\n"), .invalidByteInRequestLine)
    }
}
