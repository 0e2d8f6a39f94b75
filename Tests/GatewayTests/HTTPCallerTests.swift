import HTTPClient
import HTTPServer
import Sockets
import Testing
import TestSupport

/// The one request/response client (OPA, `safemut compensate`): against the scripted
/// upstream on a real loopback socket, an answer, a streamed answer, the size limit, the
/// whole-call deadline, a reset after the request went out, and a refused connection.
@Suite("HTTPCaller")
struct HTTPCallerTests {
    final class Upstream {
        let group: EventLoopGroup
        let server: HTTPServer
        init() throws {
            group = try EventLoopGroup(count: 1)
            server = try HTTPServer(
                configuration: HTTPServerConfiguration(address: "127.0.0.1:0", eventLoops: 1), group: group, handler: ScriptedUpstream())
        }
        deinit {
            server.closeAll()
            group.shutdown()
        }
    }

    static func caller(port: Int) throws -> HTTPCaller {
        try HTTPCaller(configuration: UpstreamConfiguration(host: "127.0.0.1", port: port, basePath: "/api", readTimeoutMs: 5_000), name: "test")
    }

    @Test("an answer comes back whole, with Host and the base path; a chunked one is joined")
    func answers() async throws {
        let upstream = try Upstream()
        let caller = try Self.caller(port: upstream.server.port)
        let echo = try await caller.call(method: "POST", path: "/graphql", headers: [("X-Hop", "1")], body: Array("{}".utf8), idempotent: false).get()
        #expect(echo.status == 200)
        let text = String(decoding: echo.body, as: UTF8.self)
        #expect(text.hasPrefix("POST /api/graphql\n"))
        #expect(text.contains("Host: 127.0.0.1:\(upstream.server.port)\n"))
        #expect(text.contains("X-Hop: 1\n"))
        #expect(text.hasSuffix("{}"))
        let chunked = try await caller.call(method: "POST", path: "/graphql", headers: [("X-Script", "chunked"), ("X-Script-Arg", "3")], idempotent: false).get()
        #expect(String(decoding: chunked.body, as: UTF8.self) == "part0|part1|part2|")
    }

    @Test("past the size limit, past the deadline, a reset: errors that say the request may have arrived")
    func failuresThatMayHaveArrived() async throws {
        let upstream = try Upstream()
        let caller = try Self.caller(port: upstream.server.port)
        let big = await caller.call(method: "POST", path: "/graphql", headers: [("X-Script", "big"), ("X-Script-Arg", "64")], idempotent: false, maxResponseBytes: 1_024)
        #expect(big == .failure(.responseTooLarge(limit: 1_024)))
        let slow = await caller.call(method: "POST", path: "/graphql", headers: [("X-Script", "slow"), ("X-Script-Arg", "2000")], idempotent: false, timeoutMilliseconds: 100)
        #expect(slow == .failure(.timeout(milliseconds: 100)))
        let reset = await caller.call(method: "POST", path: "/graphql", headers: [("X-Script", "reset")], idempotent: false)
        guard case .failure = reset else { Issue.record("a reset answered: \(reset)"); return }
        for failure in [big, slow, reset] {
            if case .failure(let error) = failure { #expect(error.requestMayHaveArrived, "\(error)") }
        }
        // The caller is still usable after each failure.
        #expect(try await caller.call(method: "GET", path: "/x", idempotent: true).get().status == 200)
    }

    @Test("a refused connection is an error that says nothing was sent")
    func refused() async throws {
        let caller = try Self.caller(port: Ports.free())
        let result = await caller.call(method: "POST", path: "/graphql", idempotent: false)
        guard case .failure(let error) = result else { Issue.record("a closed port answered: \(result)"); return }
        #expect(!error.requestMayHaveArrived, "\(error)")
    }

    @Test("a host that does not resolve is refused at start, by name")
    func unresolvable() {
        #expect(throws: HTTPCallError.self) {
            try HTTPCaller(configuration: UpstreamConfiguration(host: "no-such-host.invalid", port: 80), name: "test")
        }
    }
}
