import HTTP
import Testing

@Suite("Encoding")
struct EncoderTests {
    @Test("Response head encodes to the wire format")
    func responseWireFormat() {
        var buffer: [UInt8] = []
        let head = HTTPResponseHead(status: 429, headers: HTTPHeaders([("Retry-After", "3"), ("Content-Length", "0")]))
        HTTPEncoder.encode(head, into: &buffer)
        #expect(buffer == bytes("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n"))
    }

    @Test("Request head encodes to the wire format")
    func requestWireFormat() {
        var buffer: [UInt8] = []
        let head = HTTPRequestHead(method: "POST", target: "/graphql", version: .http1_0, headers: HTTPHeaders([("Host", "up")]))
        HTTPEncoder.encode(head, into: &buffer)
        #expect(buffer == bytes("POST /graphql HTTP/1.0\r\nHost: up\r\n\r\n"))
    }

    @Test("Encoded request head decodes to the same head")
    func requestRoundTrip() throws {
        let head = HTTPRequestHead(
            method: "POST", target: "/graphql?op=Me",
            headers: HTTPHeaders([("Host", "127.0.0.1:4000"), ("Content-Length", "2"), ("X-Tenant", "acme"), ("x-tenant", "two")])
        )
        var buffer: [UInt8] = []
        HTTPEncoder.encode(head, into: &buffer)
        buffer += bytes("{}")
        let outcome = decodeRequests(buffer)
        #expect(outcome.error == nil)
        #expect(outcome.heads == [head])
        #expect(outcome.bodies == [bytes("{}")])
    }

    @Test("Encoded response head decodes to the same head")
    func responseRoundTrip() {
        for status in [200, 201, 400, 402, 403, 404, 413, 431, 502, 503, 599] {
            let head = HTTPResponseHead(status: status, headers: HTTPHeaders([("Content-Length", "0"), ("X-Request-Id", "r-1")]))
            var buffer: [UInt8] = []
            HTTPEncoder.encode(head, into: &buffer)
            let text = String(decoding: buffer, as: UTF8.self)
            #expect(decodeResponses(text).heads == [head], "status \(status)")
        }
    }

    @Test("Chunks encode with hex sizes and decode back")
    func chunkRoundTrip() {
        var buffer = bytes("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        let pieces = [bytes("a"), Array(repeating: UInt8(ascii: "b"), count: 255), [], Array(repeating: UInt8(ascii: "c"), count: 4096)]
        for piece in pieces {
            HTTPEncoder.encodeChunk(piece, into: &buffer)
        }
        HTTPEncoder.encodeLastChunk(into: &buffer)
        let outcome = decodeRequests(buffer)
        #expect(outcome.error == nil)
        #expect(outcome.bodies == [pieces.flatMap { $0 }])
    }

    @Test("Chunk encoding writes the exact bytes")
    func chunkBytes() {
        var buffer: [UInt8] = []
        HTTPEncoder.encodeChunk(bytes("hello world!"), into: &buffer)
        #expect(buffer == bytes("c\r\nhello world!\r\n"))
        buffer = []
        HTTPEncoder.encodeChunk(Array(repeating: 0, count: 0x1F3), into: &buffer)
        #expect(buffer.prefix(5) == bytes("1f3\r\n")[...])
        buffer = []
        HTTPEncoder.encodeChunk([UInt8](), into: &buffer)
        #expect(buffer.isEmpty)
        HTTPEncoder.encodeLastChunk(into: &buffer)
        #expect(buffer == bytes("0\r\n\r\n"))
    }

    @Test("Reason phrases default to the standard text")
    func reasons() {
        #expect(HTTPStatus.reason(for: 200) == "OK")
        #expect(HTTPStatus.reason(for: 402) == "Payment Required")
        #expect(HTTPStatus.reason(for: 413) == "Content Too Large")
        #expect(HTTPStatus.reason(for: 505) == "HTTP Version Not Supported")
        #expect(HTTPStatus.reason(for: 799) == "")
        #expect(HTTPResponseHead(status: 404).reason == "Not Found")
        #expect(HTTPResponseHead(status: 404, reason: "Nope").reason == "Nope")
    }
}
