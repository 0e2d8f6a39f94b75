import CHiredis
#if canImport(Glibc)
import Glibc
#endif

/// Every hiredis call the client makes, as thin wrappers. A context is
/// confined to its connection thread. We drive the blocking context ourselves
/// (append many → one write → read replies in order) instead of
/// `redisCommandArgv`, so a whole batch of callers' commands goes out in one
/// `write`, and we can stop reading a reply that grows past the size limit.
enum Hiredis {
    typealias Context = UnsafeMutablePointer<redisContext>

    static func timeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }

    /// Wraps `redisConnectWithTimeout` + `redisSetTimeout` + `redisEnableKeepAlive`.
    static func connect(host: String, port: Int, connectTimeout: Duration, commandTimeout: Duration) -> Result<Context, RedisError> {
        guard let context = redisConnectWithTimeout(host, Int32(port), timeval(connectTimeout)) else {
            return .failure(RedisError(.connectFailed, "hiredis could not allocate a context"))
        }
        if context.pointee.err != 0 {
            let message = errorString(context)
            redisFree(context)
            return .failure(RedisError(.connectFailed, "\(host):\(port): \(message)"))
        }
        _ = redisSetTimeout(context, timeval(commandTimeout))
        _ = redisEnableKeepAlive(context)
        return .success(context)
    }

    static func free(_ context: Context) { redisFree(context) }

    static func errorString(_ context: Context) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Writes everything appended so far (`redisBufferWrite` until the buffer is empty):
    /// one `write` for a whole pipeline of commands.
    static func flush(_ context: Context) -> RedisError? {
        var done: Int32 = 0
        while done == 0 {
            if redisBufferWrite(context, &done) != REDIS_OK { return ioError(context) }
        }
        return nil
    }

    /// Reads the next reply in order (`redisGetReplyFromReader`, `redisBufferRead`
    /// when the reader needs more). `carried` is what the reader already holds
    /// beyond the previous reply; a reply that grows past `maxReplyBytes` fails
    /// with `replyTooLarge` (and the caller must drop the connection).
    static func nextReply(_ context: Context, maxReplyBytes: Int, carried: inout Int) -> Result<RedisReply, RedisError> {
        var reply: UnsafeMutableRawPointer?
        while true {
            if redisGetReplyFromReader(context, &reply) != REDIS_OK { return .failure(ioError(context)) }
            if let reply {
                let typed = decode(reply.assumingMemoryBound(to: redisReply.self))
                freeReplyObject(reply)
                let reader = context.pointee.reader.pointee
                carried = reader.len - reader.pos
                return .success(typed)
            }
            if carried > maxReplyBytes {
                return .failure(RedisError(.replyTooLarge, "reply exceeded \(maxReplyBytes) bytes"))
            }
            let before = context.pointee.reader.pointee.len
            if redisBufferRead(context) != REDIS_OK { return .failure(ioError(context)) }
            carried += context.pointee.reader.pointee.len - before
        }
    }

    /// One `redisBufferRead`: whatever the socket has (call after `poll` says
    /// readable, so it does not block). EOF or reset is `connectionLost`.
    static func readAvailable(_ context: Context) -> RedisError? {
        redisBufferRead(context) == REDIS_OK ? nil : ioError(context)
    }

    /// The next complete reply already read (`redisGetReplyFromReader`), or nil.
    static func bufferedReply(_ context: Context) -> Result<RedisReply?, RedisError> {
        var reply: UnsafeMutableRawPointer?
        if redisGetReplyFromReader(context, &reply) != REDIS_OK { return .failure(ioError(context)) }
        guard let reply else { return .success(nil) }
        let typed = decode(reply.assumingMemoryBound(to: redisReply.self))
        freeReplyObject(reply)
        return .success(typed)
    }

    /// Bytes read but not yet parsed into replies.
    static func unparsedBytes(_ context: Context) -> Int {
        let reader = context.pointee.reader.pointee
        return reader.len - reader.pos
    }

    /// The socket, for `poll` (the subscriber waits on it beside its wake-up descriptor).
    static func socket(_ context: Context) -> Int32 { context.pointee.fd }

    /// Wraps `redisAppendCommandArgv` (binary-safe: lengths are passed, NULs allowed).
    /// The arguments are laid out in one buffer, so a command costs three small
    /// allocations however many arguments it has; hiredis copies them out.
    static func append(_ context: Context, _ arguments: [RedisArgument]) -> RedisError? {
        var total = 0
        for argument in arguments { total += argument.bytes.count }
        var joined: [UInt8] = []
        joined.reserveCapacity(total + 1)
        var lengths: [Int] = []
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            joined.append(contentsOf: argument.bytes)
            lengths.append(argument.bytes.count)
        }
        joined.append(0)  // never empty, so the buffer always has a base address
        let rc = joined.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return REDIS_ERR }
            return base.withMemoryRebound(to: CChar.self, capacity: total + 1) { chars in
                var pointers: [UnsafePointer<CChar>?] = []
                pointers.reserveCapacity(arguments.count)
                var offset = 0
                for length in lengths {
                    pointers.append(chars + offset)
                    offset += length
                }
                return redisAppendCommandArgv(context, Int32(arguments.count), &pointers, lengths)
            }
        }
        return rc == REDIS_OK ? nil : ioError(context)
    }

    private static func ioError(_ context: Context) -> RedisError {
        let code = context.pointee.err
        let message = errorString(context)
        if code == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK) {
            return RedisError(.timeout, "no reply within the command timeout")
        }
        if code == REDIS_ERR_PROTOCOL { return RedisError(.protocolError, message) }
        return RedisError(.connectionLost, message.isEmpty ? "connection lost" : message)
    }

    private static func decode(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        func text() -> [UInt8] {
            guard let str = r.str else { return [] }
            return str.withMemoryRebound(to: UInt8.self, capacity: r.len) { Array(UnsafeBufferPointer(start: $0, count: r.len)) }
        }
        switch r.type {
        case REDIS_REPLY_INTEGER: return .integer(Int64(r.integer))
        case REDIS_REPLY_STRING: return .bulk(text())
        case REDIS_REPLY_STATUS: return .status(String(decoding: text(), as: UTF8.self))
        case REDIS_REPLY_ERROR: return .error(String(decoding: text(), as: UTF8.self))
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(r.elements)
            for i in 0..<r.elements {
                if let element = r.element?[i] { items.append(decode(element)) } else { items.append(.null) }
            }
            return .array(items)
        default: return .null
        }
    }
}
