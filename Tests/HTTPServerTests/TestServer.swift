import HTTP
import HTTPServer
import Sockets

/// An in-process server on a free loopback port with an echo handler, for
/// tests that drive it with `RawHTTPClient` over a real socket.
final class TestServer {
    let group: EventLoopGroup
    let server: HTTPServer
    var port: Int { server.port }

    init(
        limits: HTTPLimits = HTTPLimits(),
        timeouts: HTTPServerConfiguration.Timeouts = .init(),
        maxConnections: Int = 1000,
        loops: Int = 2,
        handler: any HTTPServerHandler = EchoHandler()
    ) throws {
        group = try EventLoopGroup(count: loops)
        let configuration = HTTPServerConfiguration(
            address: "127.0.0.1:0", eventLoops: loops, limits: limits, maxConnections: maxConnections, timeouts: timeouts)
        server = try HTTPServer(configuration: configuration, group: group, handler: handler)
    }

    deinit {
        server.closeAll()
        group.shutdown()
    }
}

/// Answers every request with a summary of what the server decoded:
/// method, target, body length and body, so tests can see the framing.
/// `/stream?n=K` streams K chunks without a Content-Length;
/// `/slow?ms=N` answers after N ms (via a loop timer).
struct EchoHandler: HTTPServerHandler {
    func handle(_ request: HTTPServerRequest, responder: HTTPResponder) {
        let head = request.head
        if head.path == "/stream" {
            let count = Int(head.query?.split(separator: "=").last ?? "3") ?? 3
            responder.writeHead(HTTPResponseHead(status: 200, headers: HTTPHeaders([("Content-Type", "text/plain")])))
            for i in 0..<count { responder.writeBody(Array("chunk-\(i);".utf8)) }
            responder.end()
            return
        }
        if head.path == "/slow" {
            let ms = UInt64(head.query?.split(separator: "=").last ?? "100") ?? 100
            request.loop.scheduleTimer(afterNanos: ms * 1_000_000) {
                responder.respond(HTTPResponseHead(status: 200), body: Array("slow".utf8))
            }
            return
        }
        let summary = "\(head.method) \(head.target) \(request.body.count)\n"
        responder.respond(
            HTTPResponseHead(status: 200, headers: HTTPHeaders([("Content-Type", "text/plain")])),
            body: Array(summary.utf8) + request.body)
    }
}
