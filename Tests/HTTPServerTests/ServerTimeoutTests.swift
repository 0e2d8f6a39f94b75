import Glibc
import HTTP
import HTTPServer
import Testing
import TestSupport

@Suite("Connection timer: phases and deadlines on a fake clock")
struct ConnectionTimerTests {
    let timeouts = HTTPServerConfiguration.Timeouts(headerMs: 100, bodyIdleMs: 200, keepAliveIdleMs: 300, writeMs: 400)

    @Test("each phase gets its own deadline")
    func phases() {
        var timer = ConnectionTimer(timeouts: timeouts)
        timer.enter(.keepAliveIdle, now: 1_000)
        #expect(timer.deadline == 1_000 + 300_000_000)
        timer.enter(.bodyIdle, now: 5_000)
        #expect(timer.deadline == 5_000 + 200_000_000)
        timer.enter(.write, now: 7_000)
        #expect(timer.deadline == 7_000 + 400_000_000)
        timer.enter(.none, now: 9_000)
        #expect(timer.expired(now: .max) == nil)
    }

    @Test("a slowloris trickle does not extend the header deadline")
    func slowlorisKeepsHeaderDeadline() {
        var timer = ConnectionTimer(timeouts: timeouts)
        timer.enter(.header, now: 0)
        for t in stride(from: UInt64(10_000_000), to: 100_000_000, by: 10_000_000) {
            timer.enter(.header, now: t)
            timer.progressed(now: t)
        }
        #expect(timer.deadline == 100_000_000)
        #expect(timer.expired(now: 99_999_999) == nil)
        #expect(timer.expired(now: 100_000_000) == .requestTimeout)
    }

    @Test("body progress pushes the idle deadline out")
    func bodyProgress() {
        var timer = ConnectionTimer(timeouts: timeouts)
        timer.enter(.bodyIdle, now: 0)
        timer.progressed(now: 150_000_000)
        #expect(timer.expired(now: 300_000_000) == nil)
        #expect(timer.expired(now: 350_000_000) == .requestTimeout)
    }

    @Test("idle keep-alive and stalled writes close silently")
    func silentClose() {
        var timer = ConnectionTimer(timeouts: timeouts)
        timer.enter(.keepAliveIdle, now: 0)
        #expect(timer.expired(now: 300_000_000) == .close)
        timer.enter(.write, now: 0)
        #expect(timer.expired(now: 400_000_000) == .close)
    }
}

@Suite("HTTP server: timeouts on real sockets")
struct ServerTimeoutTests {
    static let short = HTTPServerConfiguration.Timeouts(headerMs: 300, bodyIdleMs: 300, keepAliveIdleMs: 400, writeMs: 500)

    @Test("slowloris: a head trickled byte by byte is cut off at the header timeout")
    func slowloris() throws {
        let server = try TestServer(timeouts: Self.short)
        let client = try RawHTTPClient(port: server.port)
        let start = Syscall.monotonicNanos()
        var cut = false
        for byte in Array("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8) {
            do { try client.send([byte]) } catch { cut = true; break }
            usleep(30_000)
            if Syscall.monotonicNanos() - start > 2_000_000_000 { break }
        }
        if !cut {
            let response = try? client.readResponse()
            #expect(response?.status == 408 || response == nil)
        }
        #expect(client.isClosedByPeer())
    }

    @Test("a body that stops arriving is cut off at the body idle timeout")
    func stalledBody() throws {
        let server = try TestServer(timeouts: Self.short)
        let client = try RawHTTPClient(port: server.port)
        try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf")
        #expect(try client.readResponse().status == 408)
        #expect(client.isClosedByPeer())
    }

    @Test("an idle keep-alive connection is closed after the keep-alive timeout")
    func keepAliveIdle() throws {
        let server = try TestServer(timeouts: Self.short)
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(client.isClosedByPeer(timeout: 2))
        for _ in 0..<50 where server.server.counters.openConnections != 0 { usleep(10_000) }
        #expect(server.server.counters.openConnections == 0)
    }
}

import Sockets
