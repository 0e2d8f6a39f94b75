import HTTP
import Testing

@Suite("Size limits")
struct LimitTests {
    @Test("Request line over the limit is 414")
    func requestLineTooLong() {
        let limits = HTTPLimits(maxRequestLineBytes: 32)
        let target = "/" + String(repeating: "a", count: 40)
        expectRejected("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", .requestLineTooLong, status: 414, limits: limits)
    }

    @Test("Request line over the limit is 414 before its end arrives")
    func requestLineTooLongEarly() {
        let limits = HTTPLimits(maxRequestLineBytes: 32)
        expectRejected("GET /" + String(repeating: "a", count: 100), .requestLineTooLong, status: 414, limits: limits)
    }

    @Test("Request line exactly at the limit is accepted")
    func requestLineAtLimit() {
        let line = "GET /" + String(repeating: "a", count: 18) + " HTTP/1.1"
        #expect(line.utf8.count == 32)
        expectOneRequest(line + "\r\nHost: a\r\n\r\n", limits: HTTPLimits(maxRequestLineBytes: 32))
        expectRejected(line + "\r\nHost: a\r\n\r\n", .requestLineTooLong, status: 414, limits: HTTPLimits(maxRequestLineBytes: 31))
    }

    @Test("Header section over the byte limit is 431")
    func headersTooLarge() {
        let limits = HTTPLimits(maxHeaderBytes: 64)
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "v", count: 80))\r\n\r\n", .headersTooLarge, status: 431, limits: limits)
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "v", count: 80))", .headersTooLarge, status: 431, limits: limits)
    }

    @Test("Many small headers over the byte limit are 431")
    func headersTooLargeAcrossLines() {
        let limits = HTTPLimits(maxHeaderBytes: 64)
        let fields = (0..<10).map { "X\($0): v\r\n" }.joined()
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n", .headersTooLarge, status: 431, limits: limits)
    }

    @Test("Header section exactly at the byte limit is accepted")
    func headersAtLimit() {
        let section = "Host: a\r\nX: 12345\r\n\r\n"
        let size = section.utf8.count
        expectOneRequest("GET / HTTP/1.1\r\n" + section, limits: HTTPLimits(maxHeaderBytes: size))
        expectRejected("GET / HTTP/1.1\r\n" + section, .headersTooLarge, status: 431, limits: HTTPLimits(maxHeaderBytes: size - 1))
    }

    @Test("More headers than the count limit is 431")
    func tooManyHeaders() {
        let limits = HTTPLimits(maxHeaderCount: 5)
        let fields = (0..<5).map { "X\($0): v\r\n" }.joined()
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n", .tooManyHeaders, status: 431, limits: limits)
        let fewer = (0..<4).map { "X\($0): v\r\n" }.joined()
        expectOneRequest("GET / HTTP/1.1\r\nHost: a\r\n\(fewer)\r\n", limits: limits)
    }

    @Test("Default limit of 100 headers")
    func defaultHeaderCount() {
        let fields = (0..<100).map { "X\($0): v\r\n" }.joined()
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n", .tooManyHeaders, status: 431)
    }

    @Test("Content-Length over the body limit is 413 at head time")
    func contentLengthTooLarge() {
        let limits = HTTPLimits(maxBodyBytes: 10)
        let outcome = decodeRequests("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits)
        #expect(outcome.error == HTTPParseError(.bodyTooLarge))
        #expect(outcome.error?.status == 413)
        #expect(outcome.events.isEmpty)
        expectOneRequest("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits)
    }

    @Test("Default body limit is 1 MiB")
    func defaultBodyLimit() {
        expectRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n", .bodyTooLarge, status: 413)
        let outcome = decodeRequests("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048576\r\n\r\n")
        #expect(outcome.error == nil)
        #expect(outcome.heads.count == 1)
    }

    @Test("A poisoned decoder keeps throwing the same error")
    func poisoned() {
        var decoder = HTTPRequestDecoder()
        decoder.append(bytes("GET / HTTP/1.1\r\nHost : a\r\n\r\n"))
        #expect(throws: HTTPParseError(.whitespaceBeforeColon)) { try decoder.next() }
        decoder.append(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(throws: HTTPParseError(.whitespaceBeforeColon)) { try decoder.next() }
        #expect(!decoder.isIdle)
    }

    @Test("Buffered bytes stay bounded while a head trickles in")
    func slowlorisBounded() throws {
        var decoder = HTTPRequestDecoder(limits: HTTPLimits(maxHeaderBytes: 1024))
        decoder.append(bytes("GET / HTTP/1.1\r\nHost: a\r\n"))
        #expect(try decoder.next() == nil)
        var rejected: HTTPParseError?
        for _ in 0..<2000 {
            decoder.append([UInt8(ascii: "a")])
            do throws(HTTPParseError) {
                _ = try decoder.next()
            } catch {
                rejected = error
                break
            }
            #expect(decoder.bufferedByteCount <= 1024)
        }
        #expect(rejected == HTTPParseError(.headersTooLarge))
    }
}
