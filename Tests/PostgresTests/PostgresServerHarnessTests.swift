import Foundation
import Testing
import TestSupport

@Suite("PostgresServer harness")
struct PostgresServerHarnessTests {
    @Test func startsAnswersAndStopsByPID() throws {
        let server = try PostgresServer.start()
        let pid = try #require(server.pid)
        #expect(kill(pid, 0) == 0)
        #expect(try server.psql("SELECT 40 + 2").trimmingCharacters(in: .whitespacesAndNewlines) == "42")
        #expect(server.url.hasPrefix("postgres://postgres@127.0.0.1:\(server.port)/"))
        #expect(FileManager.default.fileExists(atPath: server.socketDirectory + "/.s.PGSQL.\(server.port)"))
        server.stop()
        #expect(server.pid == nil)
        #expect(DataCommand.poll(timeout: 10) { kill(pid, 0) != 0 })
        #expect(!FileManager.default.fileExists(atPath: server.directory))
    }

    @Test func restartKeepsPortAndData() throws {
        let server = try PostgresServer.start()
        defer { server.stop() }
        try server.psql("CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)")
        let before = try #require(server.pid)
        try server.restart()
        #expect(server.pid != before)
        #expect(try server.psql("SELECT x FROM kept").trimmingCharacters(in: .whitespacesAndNewlines) == "7")
    }
}
