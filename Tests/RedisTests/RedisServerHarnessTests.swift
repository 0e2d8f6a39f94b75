import Foundation
import Testing
import TestSupport

@Suite("RedisServer harness")
struct RedisServerHarnessTests {
    @Test func startsWithPasswordRestartsOnSamePortAndStops() throws {
        let server = try RedisServer.start(password: "pw")
        let cli = "/usr/bin/redis-cli"
        let ping = try DataCommand.check(cli, ["-p", String(server.port), "-a", "pw", "--no-auth-warning", "PING"])
        #expect(ping.contains("PONG"))
        let denied = try DataCommand.run(cli, ["-p", String(server.port), "PING"])
        #expect(denied.output.contains("NOAUTH"))
        let first = try #require(server.pid)
        server.kill()
        #expect(!Ports.isListening(server.port))
        try server.startAgain()
        #expect(server.pid != first)
        #expect(Ports.isListening(server.port))
        let pid = try #require(server.pid)
        server.stop()
        #expect(DataCommand.poll(timeout: 10) { kill(pid, 0) != 0 })
        #expect(server.url == "redis://:pw@127.0.0.1:\(server.port)/0")
    }
}
