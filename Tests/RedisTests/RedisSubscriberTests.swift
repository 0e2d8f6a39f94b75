import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Redis

/// Collects a stream's messages in the background so a test can poll them with a deadline.
final class Collector: Sendable {
    private final class Box: Sendable {
        let received = Mutex<[RedisMessage]>([])
        let ended = Atomic<Bool>(false)
    }

    private let box = Box()
    private let consumer: Task<Void, Never>

    init(_ stream: AsyncStream<RedisMessage>) {
        let box = self.box
        consumer = Task {
            for await message in stream { box.received.withLock { $0.append(message) } }
            box.ended.store(true, ordering: .releasing)
        }
    }

    var messages: [RedisMessage] { box.received.withLock { $0 } }
    var finished: Bool { box.ended.load(ordering: .acquiring) }

    /// Stops consuming: the stream terminates and the subscriber drops its channels.
    func cancel() { consumer.cancel() }

    /// Polls until `count` messages arrived (or 10 s passed) and returns what arrived.
    func wait(for count: Int) async throws -> [RedisMessage] {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline {
            let messages = self.messages
            if messages.count >= count { return messages }
            try await Task.sleep(for: .milliseconds(10))
        }
        return messages
    }
}

/// Pub/sub on its own connection, against real `redis-server`s: publish with
/// the regular client, receive with the subscriber.
@Suite("Redis subscriber")
struct RedisSubscriberTests {
    /// `PUBLISH` until the server says `receivers` subscribers got it (the
    /// subscription is live); returns the payload that got through.
    func publishUntilReceived(_ redis: RedisClient, _ channel: String, _ prefix: String, receivers: Int64 = 1) async throws -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(15)
        var attempt = 0
        while clock.now < deadline {
            attempt += 1
            let payload = "\(prefix)-\(attempt)"
            if (try? await redis.command("PUBLISH", channel, payload)) == .integer(receivers) { return payload }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func receivesWhatTheClientPublishesOnItsChannelsOnly() async throws {
        let server = try await offPool { try DataServers.sharedRedis() }
        let redis = try RedisClient(url: server.url)
        let subscriber = try RedisSubscriber(url: server.url)
        defer { subscriber.close(); redis.close() }
        let news = "news:\(UUID().uuidString)"
        let other = "other:\(UUID().uuidString)"
        let inbox = Collector(subscriber.subscribe([news, other]))
        let first = try await publishUntilReceived(redis, news, "hello")
        #expect(first != nil)
        let binary: [UInt8] = [0, 13, 10, 255]
        #expect(try await redis.command(["PUBLISH", RedisArgument(other), RedisArgument(binary)]) == .integer(1))
        #expect(try await redis.command("PUBLISH", "unrelated:\(UUID().uuidString)", "x") == .integer(0))
        #expect(try await redis.command("PUBLISH", news, "last") == .integer(1))
        let messages = try await inbox.wait(for: 3)
        #expect(messages == [
            RedisMessage(channel: news, payload: Array((first ?? "").utf8)),
            RedisMessage(channel: other, payload: binary),
            RedisMessage(channel: news, payload: Array("last".utf8)),
        ])
        #expect(subscriber.isConnected)
        #expect(subscriber.stats().delivered == 3)
    }

    @Test func twoStreamsShareAChannelAndEndingOneKeepsTheOther() async throws {
        let server = try await offPool { try DataServers.sharedRedis() }
        let redis = try RedisClient(url: server.url)
        let subscriber = try RedisSubscriber(url: server.url)
        defer { subscriber.close(); redis.close() }
        let channel = "shared:\(UUID().uuidString)"
        let a = Collector(subscriber.subscribe([channel]))
        let b = Collector(subscriber.subscribe([channel]))
        // One connection, one server-side subscription, however many streams.
        let payload = try await publishUntilReceived(redis, channel, "both")
        #expect(payload != nil)
        #expect(try await a.wait(for: 1).map(\.string) == [payload])
        #expect(try await b.wait(for: 1).map(\.string) == [payload])
        a.cancel()
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while subscriber.stats().streams != 1 && clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await redis.command("PUBLISH", channel, "only-b") == .integer(1))
        #expect(try await b.wait(for: 2).map(\.string) == [payload, "only-b"])
        #expect(a.messages.count == 1)
        // Ending the last stream unsubscribes the channel on the server.
        b.cancel()
        var receivers: RedisReply = .null
        while clock.now < deadline {
            receivers = try await redis.command("PUBLISH", channel, "nobody")
            if receivers == .integer(0) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(receivers == .integer(0))
    }

    @Test func keepsReceivingAfterRedisIsKilledAndRestarted() async throws {
        let server = try await offPool { try RedisServer.start() }
        defer { server.stop() }
        var configuration = try RedisConfiguration(url: server.url)
        configuration.connectTimeout = .milliseconds(200)
        configuration.commandTimeout = .milliseconds(200)
        configuration.breaker = .init(failureThreshold: 3, coolDown: .milliseconds(100))
        let redis = RedisClient(configuration: configuration)
        let subscriber = RedisSubscriber(configuration: configuration, backoff: .init(initial: .milliseconds(20), maximum: .milliseconds(200)))
        defer { subscriber.close(); redis.close() }
        let channel = "restart:\(UUID().uuidString)"
        let inbox = Collector(subscriber.subscribe([channel]))
        let before = try await publishUntilReceived(redis, channel, "before")
        #expect(before != nil)
        #expect(try await inbox.wait(for: 1).map(\.string) == [before])
        #expect(subscriber.stats().connects == 1)

        try await offPool { server.kill() }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        var sawDisconnect = false
        while !sawDisconnect && clock.now < deadline {
            sawDisconnect = !subscriber.isConnected
            if !sawDisconnect { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(sawDisconnect)
        try await offPool { try server.startAgain() }

        // The subscriber reconnects and resubscribes by itself; the stream never ended.
        let after = try await publishUntilReceived(redis, channel, "after")
        #expect(after != nil)
        #expect(try await inbox.wait(for: 2).map(\.string) == [before, after])
        #expect(!inbox.finished)
        #expect(subscriber.isConnected)
        // At least one reconnect (a connect racing the dying server can add one more).
        #expect(subscriber.stats().connects >= 2)
    }

    @Test func closeFinishesEveryStream() async throws {
        let server = try await offPool { try DataServers.sharedRedis() }
        let subscriber = try RedisSubscriber(url: server.url)
        let inbox = Collector(subscriber.subscribe(["closing:\(UUID().uuidString)"]))
        subscriber.close()
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while !inbox.finished && clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(inbox.finished)
        // A subscription after close is an already finished stream.
        let late = Collector(subscriber.subscribe(["late"]))
        while !late.finished && clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(late.finished)
    }
}
