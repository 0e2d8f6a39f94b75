import Contract
import Admission
import Gateway
import HTTP
import HTTPClient
import HTTPServer
import Logging
import Prometheus
import Sockets
import Synchronization

/// An in-process gateway in front of an in-process upstream, both on real
/// loopback sockets, for proxy behaviour that needs a scripted upstream
/// (chunked, slow, resetting). Process-level tests live in IntegrationTests.
final class GatewayHarness {
    let upstreamGroup: EventLoopGroup
    let upstream: HTTPServer?
    let gateway: Gateway

    init(
        upstreamHandler: (any HTTPServerHandler)? = ScriptedUpstream(),
        upstreamPort: Int? = nil,
        readTimeoutMs: Int = 5000,
        connectTimeoutMs: Int = 1000,
        limits: HTTPLimits = HTTPLimits(),
        pipeline: AdmissionPipeline = AdmissionPipeline([]),
        maxIdle: Int = 64
    ) throws {
        upstreamGroup = try EventLoopGroup(count: 1)
        var port = upstreamPort ?? 0
        if let upstreamHandler {
            let server = try HTTPServer(
                configuration: HTTPServerConfiguration(address: "127.0.0.1:0", eventLoops: 1),
                group: upstreamGroup, handler: upstreamHandler)
            upstream = server
            port = server.port
        } else {
            upstream = nil
        }
        let settings = GatewaySettings(
            server: HTTPServerConfiguration(address: "127.0.0.1:0", eventLoops: 2, limits: limits),
            upstream: UpstreamConfiguration(
                host: "127.0.0.1", port: port, maxIdlePerLoop: maxIdle, connectTimeoutMs: connectTimeoutMs, readTimeoutMs: readTimeoutMs),
            maxInflatedBodyBytes: 64 * 1024,
            drainTimeoutNanos: 3_000_000_000
        )
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        gateway = try Gateway(settings: settings, pipeline: pipeline, logger: logger)
    }

    var port: Int { gateway.port }

    deinit {
        gateway.shutdown()
        upstream?.closeAll()
        upstreamGroup.shutdown()
    }
}

/// A scripted upstream, driven by the `X-Script` request header (the gateway
/// forwards only /graphql): none or `echo` returns what it received (method,
/// target, selected headers, body); `chunked` streams `X-Script-Arg` chunks;
/// `slow` answers after `X-Script-Arg` ms; `big` sends `X-Script-Arg` KiB;
/// `reset` closes without answering. It counts the requests it saw.
final class ScriptedUpstream: HTTPServerHandler {
    let seen = Atomic<Int>(0)

    func handle(_ request: HTTPServerRequest, responder: HTTPResponder) {
        seen.add(1, ordering: .relaxed)
        let head = request.head
        let query = head.headers["X-Script-Arg"]
        switch head.headers["X-Script"] ?? "echo" {
        case "echo":
            var text = "\(head.method) \(head.target)\n"
            for name in ["Host", "X-Forwarded-For", "X-Forwarded-Proto", "Via", "X-Request-Id", "Connection", "Keep-Alive",
                         "X-Hop", "Proxy-Authorization", "Content-Encoding", "TE", "Upgrade"] {
                if let value = head.headers[name] { text += "\(name): \(value)\n" }
            }
            text += "\n"
            var headers = HTTPHeaders([("Content-Type", "text/plain"), ("Keep-Alive", "timeout=5"), ("Connection", "X-Upstream-Hop"), ("X-Upstream-Hop", "secret")])
            headers.add(name: "X-Upstream", value: "scripted")
            responder.respond(HTTPResponseHead(status: 200, headers: headers), body: Array(text.utf8) + request.body)
        case "chunked":
            let n = Int(query ?? "3") ?? 3
            responder.writeHead(HTTPResponseHead(status: 200))
            for i in 0..<n { responder.writeBody(Array("part\(i)|".utf8)) }
            responder.end()
        case "slow":
            let ms = UInt64(query ?? "100") ?? 100
            request.loop.scheduleTimer(afterNanos: ms * 1_000_000) {
                responder.respond(HTTPResponseHead(status: 200), body: Array("late".utf8))
            }
        case "big":
            let kb = Int(query ?? "1024") ?? 1024
            responder.writeHead(HTTPResponseHead(status: 200, headers: HTTPHeaders([("Content-Length", String(kb * 1024))])))
            let block = [UInt8](repeating: UInt8(ascii: "x"), count: 1024)
            for _ in 0..<kb { responder.writeBody(block) }
            responder.end()
        case "reset":
            responder.abort()
        default:
            responder.respond(HTTPResponseHead(status: 404), body: Array("nope".utf8))
        }
    }
}
