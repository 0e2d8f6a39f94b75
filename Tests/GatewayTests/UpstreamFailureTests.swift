import Glibc
import Gzip
import HTTP
import HTTPServer
import Sockets
import Testing
import TestSupport

@Suite("Gateway proxy: upstream failures")
struct UpstreamFailureTests {
    func post(_ client: RawHTTPClient, extra: String = "") throws -> RawHTTPClient.Response {
        let body = #"{"query":"mutation { SafeNoop }"}"#
        try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)")
        return try client.readResponse()
    }

    @Test("upstream refusing connections is 502 UPSTREAM_ERROR")
    func refused() throws {
        let harness = try GatewayHarness(upstreamHandler: nil, upstreamPort: Ports.free())
        let client = try RawHTTPClient(port: harness.port)
        let response = try post(client)
        #expect(response.status == 502)
        #expect(response.text.contains(#""code":"UPSTREAM_ERROR""#))
        #expect(response.head.headers["Content-Type"] == "application/json")
        // The client connection survives an upstream failure.
        #expect(try post(client).status == 502)
    }

    @Test("an upstream slower than the read timeout is 504 UPSTREAM_ERROR")
    func slow() throws {
        let harness = try GatewayHarness(readTimeoutMs: 200)
        let client = try RawHTTPClient(port: harness.port)
        let response = try post(client, extra: "X-Script: slow\r\nX-Script-Arg: 1500\r\n")
        #expect(response.status == 504)
        #expect(response.text.contains(#""code":"UPSTREAM_ERROR""#))
    }

    @Test("an upstream that resets mid-request is 502, and a mutation is not sent twice")
    func resetNotRetried() throws {
        let upstream = ScriptedUpstream()
        let harness = try GatewayHarness(upstreamHandler: upstream)
        let client = try RawHTTPClient(port: harness.port)
        // Warm a pooled connection first so the reset happens on a reused one.
        #expect(try post(client).status == 200)
        let before = upstream.seen.load(ordering: .relaxed)
        let response = try post(client, extra: "X-Script: reset\r\n")
        #expect(response.status == 502)
        #expect(upstream.seen.load(ordering: .relaxed) == before + 1)
    }

    @Test("a pooled connection the upstream closed while idle is replaced without an error")
    func staleIdleConnection() throws {
        let upstreamGroup = try EventLoopGroup(count: 1)
        defer { upstreamGroup.shutdown() }
        let upstream = ScriptedUpstream()
        let upstreamServer = try HTTPServer(
            configuration: HTTPServerConfiguration(
                address: "127.0.0.1:0", eventLoops: 1, timeouts: .init(keepAliveIdleMs: 150)),
            group: upstreamGroup, handler: upstream)
        defer { upstreamServer.closeAll() }
        let harness = try GatewayHarness(upstreamHandler: nil, upstreamPort: upstreamServer.port)
        let client = try RawHTTPClient(port: harness.port)
        #expect(try post(client).status == 200)
        usleep(500_000)  // the upstream drops its idle keep-alive connection
        #expect(try post(client).status == 200)
        #expect(upstream.seen.load(ordering: .relaxed) == 2)
        #expect(upstreamServer.counters.acceptedConnections == 2)
    }
}

@Suite("Gateway: health, readiness, metrics")
struct AdminRouteTests {
    /// `GET path` on a new connection to the gateway.
    static func get(_ gateway: GatewayHarness, _ path: String) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: gateway.port)
        try client.send("GET \(path) HTTP/1.1\r\nHost: gw\r\n\r\n")
        return try client.readResponse()
    }

    @Test("/health is 200 with status ok")
    func health() throws {
        let response = try Self.get(try GatewayHarness(), "/health")
        #expect(response.status == 200)
        #expect(response.text.contains(#""status":"ok""#))
    }

    @Test("/health/ready is 200 when the upstream answers and 503 when it does not")
    func ready() throws {
        let ok = try Self.get(try GatewayHarness(), "/health/ready")
        #expect(ok.status == 200, "\(ok.text)")
        #expect(ok.text.contains(#""upstream":{"status":"up""#))

        let failed = try Self.get(try GatewayHarness(upstreamHandler: nil, upstreamPort: Ports.free()), "/health/ready")
        #expect(failed.status == 503)
        #expect(failed.text.contains(#""status":"not_ready""#))
    }

    @Test("/metrics exposes request counts by route and status, and gzips on request")
    func metrics() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Length: 2\r\n\r\n{}")
        _ = try client.readResponse()
        try client.send("GET /metrics HTTP/1.1\r\nHost: gw\r\n\r\n")
        let plain = try client.readResponse()
        #expect(plain.head.headers["Content-Type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = plain.text
        #expect(text.contains(#"http_requests_total{route="/graphql",status="200"} 1"#))
        #expect(text.contains("http_request_duration_seconds_bucket"))
        #expect(text.contains("upstream_request_duration_seconds"))
        #expect(text.contains("http_connections_open"))
        #expect(text.contains("safemut_build_info"))

        try client.send("GET /metrics HTTP/1.1\r\nHost: gw\r\nAccept-Encoding: gzip\r\n\r\n")
        let zipped = try client.readResponse()
        #expect(zipped.head.headers["Content-Encoding"] == "gzip")
        let inflated = try Gzip.inflate(zipped.body, maxOutputBytes: 1 << 20)
        #expect(String(decoding: inflated, as: UTF8.self).contains("http_requests_total"))
    }
}
