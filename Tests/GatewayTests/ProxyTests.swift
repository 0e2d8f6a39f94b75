import Glibc
import Gzip
import HTTP
import Testing
import TestSupport

@Suite("Gateway proxy: forwarding, headers, streaming")
struct ProxyTests {
    func post(_ client: RawHTTPClient, body: String = #"{"query":"{ health }"}"#, extra: String = "") throws -> RawHTTPClient.Response {
        try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)")
        return try client.readResponse()
    }

    @Test("a POST to /graphql reaches the upstream with forwarding headers and comes back")
    func forwards() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        let response = try post(client)
        #expect(response.status == 200)
        let text = response.text
        #expect(text.hasPrefix("POST /graphql\n"))
        #expect(text.contains("X-Forwarded-For: 127.0.0.1"))
        #expect(text.contains("X-Forwarded-Proto: http"))
        #expect(text.contains("Via: 1.1 safemut"))
        #expect(text.hasSuffix(#"{"query":"{ health }"}"#))
        #expect(response.head.headers["X-Upstream"] == "scripted")
        #expect(response.head.headers["Via"] == "1.1 safemut")
    }

    @Test("every response carries X-Request-Id; a client's id is kept end to end")
    func requestID() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        let response = try post(client, extra: "X-Request-Id: abc-123\r\n")
        #expect(response.head.headers["X-Request-Id"] == "abc-123")
        #expect(response.text.contains("X-Request-Id: abc-123"))
        let generated = try post(client)
        #expect((generated.head.headers["X-Request-Id"] ?? "").count == 32)
        // An id with unsafe characters is replaced, not echoed into logs.
        let unsafe = try post(client, extra: "X-Request-Id: bad id<script>\r\n")
        #expect(unsafe.head.headers["X-Request-Id"] != "bad id<script>")
    }

    @Test("hop-by-hop headers are stripped in both directions")
    func hopByHop() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        let response = try post(client, extra: "Connection: X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=9\r\nTE: trailers\r\nUpgrade: websocket\r\nProxy-Authorization: Basic Zm9v\r\n")
        let text = response.text
        for header in ["X-Hop:", "Keep-Alive:", "TE:", "Upgrade:", "Proxy-Authorization:", "Connection: X-Hop"] {
            #expect(!text.contains(header), "\(header) reached the upstream")
        }
        #expect(response.head.headers["Keep-Alive"] == nil)
        #expect(response.head.headers["X-Upstream-Hop"] == nil)
    }

    @Test("a chunked upstream response reaches the client chunked and intact")
    func chunkedResponse() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        let response = try post(client, extra: "X-Script: chunked\r\nX-Script-Arg: 5\r\n")
        #expect(response.head.headers["Transfer-Encoding"] == "chunked")
        #expect(response.text == "part0|part1|part2|part3|part4|")
    }

    @Test("a chunked request body is forwarded with a Content-Length")
    func chunkedRequest() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.text.hasSuffix("\nhello world"))
    }

    @Test("an 8 MiB response streams through to a slow reader completely")
    func bigResponse() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port, timeout: 20)
        let response = try post(client, extra: "X-Script: big\r\nX-Script-Arg: 8192\r\n")
        #expect(response.body.count == 8 << 20)
    }

    @Test("upstream connections are kept alive and reused")
    func reuse() throws {
        let upstream = ScriptedUpstream()
        let harness = try GatewayHarness(upstreamHandler: upstream)
        let client = try RawHTTPClient(port: harness.port)
        for _ in 0..<10 { #expect(try post(client).status == 200) }
        #expect(harness.upstream?.counters.acceptedConnections == 1)
    }

    @Test("GET /graphql with a query string is forwarded")
    func getQuery() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        try client.send("GET /graphql?query=%7Bhealth%7D HTTP/1.1\r\nHost: gw\r\n\r\n")
        #expect(try client.readResponse().text.hasPrefix("GET /graphql?query=%7Bhealth%7D\n"))
    }

    @Test("other methods on /graphql are 405 with Allow")
    func methodNotAllowed() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        try client.send("PUT /graphql HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 405)
        #expect(response.head.headers["Allow"] == "GET, POST")
    }

    @Test("unknown paths are 404 in the GraphQL error shape")
    func notFound() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        try client.send("GET /nope HTTP/1.1\r\nHost: gw\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 404)
        #expect(response.text.contains(#""code":"NOT_FOUND""#))
        #expect(response.head.headers["X-Request-Id"] != nil)
    }

    @Test("a framing error from the gateway is JSON with a request id")
    func framingErrorShape() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.text.contains(#""code":"BAD_REQUEST""#))
        #expect(response.head.headers["X-Request-Id"] != nil)
    }
}

@Suite("Gateway proxy: gzip request bodies")
struct GzipBodyTests {
    @Test("a gzip body is inflated before it is forwarded")
    func inflates() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        let body = try Gzip.deflate(Array(#"{"query":"{ health }"}"#.utf8))
        try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Encoding: gzip\r\nContent-Length: \(body.count)\r\n\r\n")
        try client.send(body)
        let response = try client.readResponse()
        #expect(response.text.hasSuffix(#"{"query":"{ health }"}"#))
        #expect(!response.text.contains("Content-Encoding"))
    }

    @Test("a gzip bomb is 413, not an outage")
    func bomb() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        let body = try Gzip.deflate([UInt8](repeating: 0, count: 4 << 20))
        try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Encoding: gzip\r\nContent-Length: \(body.count)\r\n\r\n")
        try client.send(body)
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.text.contains("PAYLOAD_TOO_LARGE"))
    }

    @Test("a body that is not gzip is 400")
    func notGzip() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.text.contains("BAD_REQUEST"))
    }

    @Test("an unsupported Content-Encoding is 400")
    func unsupportedEncoding() throws {
        let harness = try GatewayHarness()
        let client = try RawHTTPClient(port: harness.port)
        try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Encoding: br\r\nContent-Length: 5\r\n\r\nhello")
        #expect(try client.readResponse().status == 400)
    }
}

@Suite("Gateway: nothing outlives its request")
struct LifetimeTests {
    @Test("after 300 proxied requests, readiness probes and a closed client, no responder is alive")
    func noLeakedResponders() throws {
        let harness = try GatewayHarness()
        do {
            let client = try RawHTTPClient(port: harness.port)
            for i in 0..<300 {
                let body = #"{"query":"{ health }"}"#
                try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                #expect(try client.readResponse().status == 200)
                if i % 100 == 0 {
                    try client.send("GET /health/ready HTTP/1.1\r\nHost: gw\r\n\r\n")
                    #expect(try client.readResponse().status == 200)
                }
            }
            // A client that leaves mid-response must not leak either.
            try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nX-Script: slow\r\nX-Script-Arg: 300\r\nContent-Length: 2\r\n\r\n{}")
        }
        let counters = harness.gateway.server.counters
        for _ in 0..<100 where counters.liveResponders != 0 || counters.openConnections != 0 {
            usleep(20_000)
        }
        #expect(counters.openConnections == 0)
        #expect(counters.liveResponders == 0)
    }
}
