import Logging

/// The subscriber thread's connection: confined to that thread.
final class SubscriberLink {
    var context: Hiredis.Context?
    /// Channels the server has (or is about to confirm) for this connection.
    var subscribed: Set<String> = []
    var nextAttempt = ContinuousClock.now
    var delay: Duration

    init(delay: Duration) {
        self.delay = delay
    }

    func drop() {
        if let context { Hiredis.free(context) }
        context = nil
        subscribed = []
    }
}

extension RedisSubscriber {
    /// Longest single wait, so a turn (and the thread's hold on the subscriber) is bounded.
    static let turnMilliseconds: Int32 = 500

    /// One bounded turn of the subscriber thread; false once closed.
    func turn(_ link: SubscriberLink) -> Bool {
        let (closed, wanted) = state.withLock { ($0.closed, $0.wanted) }
        if closed { return false }
        guard let context = link.context else {
            connectWhenDue(link, wanted: wanted)
            return true
        }
        // Bring the server's subscriptions in line with what the streams want.
        let add = wanted.subtracting(link.subscribed)
        let remove = link.subscribed.subtracting(wanted)
        if !add.isEmpty || !remove.isEmpty {
            var failure: RedisError?
            if !add.isEmpty { failure = Hiredis.append(context, ["SUBSCRIBE"] + add.sorted().map { RedisArgument($0) }) }
            if failure == nil, !remove.isEmpty { failure = Hiredis.append(context, ["UNSUBSCRIBE"] + remove.sorted().map { RedisArgument($0) }) }
            if failure == nil { failure = Hiredis.flush(context) }
            if let failure {
                lost(link, failure)
                return true
            }
            link.subscribed = wanted
        }
        let ready = wake.wait(socket: Hiredis.socket(context), timeoutMilliseconds: Self.turnMilliseconds)
        guard ready.socket else { return true }
        if let error = Hiredis.readAvailable(context) {
            lost(link, error)
            return true
        }
        // One read holds at most 16 KiB of replies; each is at least a few bytes.
        for _ in 0..<16_384 {
            switch Hiredis.bufferedReply(context) {
            case .failure(let error):
                lost(link, error)
                return true
            case .success(nil):
                if Hiredis.unparsedBytes(context) > configuration.maxReplyBytes {
                    lost(link, RedisError(.replyTooLarge, "a pub/sub message exceeded \(configuration.maxReplyBytes) bytes"))
                }
                return true
            case .success(let reply?):
                if let message = RedisMessage(push: reply) { deliver(message) }
            }
        }
        return true
    }

    /// Hands `message` to every stream that wants its channel.
    private func deliver(_ message: RedisMessage) {
        let targets = state.withLock { s in
            s.registrations.values.filter { $0.channels.contains(message.channel) }.map(\.continuation)
        }
        for continuation in targets {
            if case .dropped = continuation.yield(message) {
                dropped.add(1, ordering: .relaxed)
            } else {
                delivered.add(1, ordering: .relaxed)
            }
        }
    }

    /// Connects (and AUTHs) once the backoff allows; waits otherwise. Nothing
    /// connects while no stream wants a channel.
    private func connectWhenDue(_ link: SubscriberLink, wanted: Set<String>) {
        let now = ContinuousClock.now
        if wanted.isEmpty || now < link.nextAttempt {
            let remaining = wanted.isEmpty ? .milliseconds(Int(Self.turnMilliseconds)) : link.nextAttempt - now
            let milliseconds = min(Int32(Self.turnMilliseconds), Int32(max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)))
            _ = wake.wait(socket: -1, timeoutMilliseconds: milliseconds)
            return
        }
        switch Hiredis.connect(
            host: configuration.host, port: configuration.port,
            connectTimeout: configuration.connectTimeout, commandTimeout: configuration.commandTimeout
        ) {
        case .failure(let error):
            retryLater(link, error)
        case .success(let context):
            if let error = authenticate(context) {
                Hiredis.free(context)
                retryLater(link, error)
                return
            }
            link.context = context
            link.subscribed = []
            link.delay = backoff.initial
            state.withLock { s in
                s.connected = true
                s.connects += 1
            }
            logger.debug("redis subscriber connected", metadata: ["redis.channels": "\(wanted.count)"])
        }
    }

    /// `AUTH` when the URL has a password (a subscription needs no `SELECT`: channels are server-wide).
    private func authenticate(_ context: Hiredis.Context) -> RedisError? {
        guard let password = configuration.password else { return nil }
        var auth: [RedisArgument] = ["AUTH"]
        if let user = configuration.username { auth.append(RedisArgument(user)) }
        auth.append(RedisArgument(password))
        if let error = Hiredis.append(context, auth) ?? Hiredis.flush(context) { return error }
        var carried = 0
        switch Hiredis.nextReply(context, maxReplyBytes: configuration.maxReplyBytes, carried: &carried) {
        case .failure(let error): return error
        case .success(.error(let message)): return RedisError(.authenticationFailed, message)
        case .success: return nil
        }
    }

    private func lost(_ link: SubscriberLink, _ error: RedisError) {
        link.drop()
        state.withLock { $0.connected = false }
        logger.warning("redis subscriber connection lost; reconnecting", metadata: ["redis.error": "\(error)"])
        link.nextAttempt = ContinuousClock.now
    }

    private func retryLater(_ link: SubscriberLink, _ error: RedisError) {
        link.nextAttempt = ContinuousClock.now + link.delay
        logger.debug("redis subscriber connect failed", metadata: ["redis.error": "\(error)", "redis.retry_in": "\(link.delay)"])
        link.delay = min(link.delay * 2, backoff.maximum)
    }
}
