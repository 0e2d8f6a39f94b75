import Config
import Foundation
import HTTP

/// One GraphQL POST to the upstream over HTTP/1.1 (`Connection: close`), written and read
/// with the gateway's own codec, blocking on the calling thread.
struct GraphQLPoster: Sendable {
    let endpoint: HTTPEndpoint
    let connectTimeout: Duration
    let readTimeout: Duration
    /// Answers past this are refused (a compensation's answer is a few hundred bytes).
    static let maxResponseBytes = 8 << 20

    struct Answer: Sendable, Equatable {
        var status: Int
        var body: [UInt8]
    }

    /// POSTs `body` to `<upstream.url>/graphql` with `headers` added.
    func post(_ body: [UInt8], headers extra: [(String, String)]) throws(ReplayTransportError) -> Answer {
        var headers = HTTPHeaders()
        let defaultPort = endpoint.port == 80
        let hostLiteral = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
        headers.add(name: "Host", value: defaultPort ? hostLiteral : "\(hostLiteral):\(endpoint.port)")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: "close")
        for (name, value) in extra { headers.add(name: name, value: value) }
        var wire: [UInt8] = []
        HTTPEncoder.encode(HTTPRequestHead(method: "POST", target: endpoint.basePath + "/graphql", headers: headers), into: &wire)
        wire += body

        let fd = try BlockingSocket.connect(host: endpoint.host, port: endpoint.port, timeout: connectTimeout)
        defer { BlockingSocket.close(fd) }
        // Connected: from here on, every wait (writing the request, each read) is bounded
        // by the read timeout, like the gateway's upstream.read_timeout_ms.
        BlockingSocket.setTimeout(fd, SO_SNDTIMEO, readTimeout)
        BlockingSocket.setTimeout(fd, SO_RCVTIMEO, readTimeout)
        try BlockingSocket.sendAll(fd, wire)
        return try read(fd)
    }

    private func read(_ fd: Int32) throws(ReplayTransportError) -> Answer {
        var decoder = HTTPResponseDecoder()
        decoder.expectResponse(toMethod: "POST")
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var status: Int?
        var body: [UInt8] = []
        while true {
            let count = try BlockingSocket.receive(fd, into: &buffer)
            if count > 0 { decoder.append(Array(buffer[0..<count])) }
            while true {
                let event: HTTPResponseEvent?
                do {
                    event = try count == 0 ? decoder.finishOnClose() : decoder.next()
                } catch {
                    throw .malformedResponse("\(error)")
                }
                guard let event else { break }
                switch event {
                case .head(let head):
                    // Interim 1xx heads are skipped; the final head has a status of 200 or more.
                    if head.status >= 200 { status = head.status }
                case .body(let bytes):
                    body += bytes
                    if body.count > Self.maxResponseBytes { throw .responseTooLarge(limit: Self.maxResponseBytes) }
                case .end:
                    guard let status else { throw .malformedResponse("no final status") }
                    return Answer(status: status, body: body)
                }
            }
            if count == 0 { throw .malformedResponse("the connection closed before the answer was complete") }
        }
    }
}
