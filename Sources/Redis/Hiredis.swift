import CHiredis
#if canImport(Glibc)
import Glibc
#endif

/// Every hiredis call the client makes, as thin wrappers. A context is
/// confined to its connection thread. We drive the blocking context ourselves
/// (append → write → read-until-reply) instead of `redisCommandArgv`, so we can
/// stop reading a reply that grows past the size limit.
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

    /// Sends one command and reads its reply, failing once more than `maxReplyBytes` arrived.
    static func roundTrip(_ context: Context, _ arguments: [RedisArgument], maxReplyBytes: Int) -> Result<RedisReply, RedisError> {
        if let error = append(context, arguments) { return .failure(error) }
        var done: Int32 = 0
        while done == 0 {
            if redisBufferWrite(context, &done) != REDIS_OK { return .failure(ioError(context)) }
        }
        var received = 0
        var reply: UnsafeMutableRawPointer?
        while true {
            if redisGetReplyFromReader(context, &reply) != REDIS_OK { return .failure(ioError(context)) }
            if let reply {
                let typed = decode(reply.assumingMemoryBound(to: redisReply.self))
                freeReplyObject(reply)
                return .success(typed)
            }
            if received > maxReplyBytes {
                return .failure(RedisError(.replyTooLarge, "reply exceeded \(maxReplyBytes) bytes"))
            }
            let before = context.pointee.reader.pointee.len
            if redisBufferRead(context) != REDIS_OK { return .failure(ioError(context)) }
            received += context.pointee.reader.pointee.len - before
        }
    }

    /// Wraps `redisAppendCommandArgv` (binary-safe: lengths are passed, NULs allowed).
    private static func append(_ context: Context, _ arguments: [RedisArgument]) -> RedisError? {
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int] = []
        pointers.reserveCapacity(arguments.count)
        defer { pointers.forEach { Glibc.free($0) } }
        for argument in arguments {
            let buffer = malloc(max(argument.bytes.count, 1))?.assumingMemoryBound(to: CChar.self)
            argument.bytes.withUnsafeBytes { source in
                if let buffer, let base = source.baseAddress { memcpy(buffer, base, argument.bytes.count) }
            }
            pointers.append(buffer)
            lengths.append(argument.bytes.count)
        }
        var constPointers = pointers.map { UnsafePointer<CChar>($0) }
        let rc = constPointers.withUnsafeMutableBufferPointer { cp in
            redisAppendCommandArgv(context, Int32(arguments.count), cp.baseAddress, lengths)
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
