/// A message published on a channel the subscriber listens to.
public struct RedisMessage: Sendable, Hashable {
    public let channel: String
    /// The payload, binary-safe.
    public let payload: [UInt8]

    public init(channel: String, payload: [UInt8]) {
        self.channel = channel
        self.payload = payload
    }

    /// The payload decoded as UTF-8.
    public var string: String { String(decoding: payload, as: UTF8.self) }

    /// Reads a RESP2 push `["message", channel, payload]`; nil for anything
    /// else (subscribe/unsubscribe confirmations, pongs).
    init?(push reply: RedisReply) {
        guard let parts = reply.array, parts.count == 3, parts[0].string == "message",
              let channel = parts[1].string, let payload = parts[2].bytes else { return nil }
        self.init(channel: channel, payload: payload)
    }
}
