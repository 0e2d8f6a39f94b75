/// One hiredis connection confined to its thread: connects lazily (AUTH,
/// SELECT), runs batches of commands as one pipeline, and drops the context
/// after any I/O failure so the next batch reconnects.
final class RedisLink {
    private let configuration: RedisConfiguration
    private var context: Hiredis.Context?

    init(configuration: RedisConfiguration) {
        self.configuration = configuration
    }

    /// Sends every command of `batch` in one write, then reads the replies in
    /// order and hands each to `deliver(index, result)` as soon as it is read,
    /// so early callers resume while later replies are still arriving.
    ///
    /// Redis answers a connection's commands in the order sent, so reply *i*
    /// belongs to command *i*. After an I/O failure the stream position is
    /// lost: the connection is dropped, and every command still waiting gets
    /// the same error (or `aborted` when only its neighbour's reply was too
    /// large) — each may or may not have run, exactly as for a lone command.
    func pipeline(count: Int, arguments: (Int) -> [RedisArgument], deliver: (Int, Result<RedisReply, RedisError>) -> Void) {
        let batch = 0..<count
        if context == nil, let error = connect() {
            for index in batch.indices { deliver(index, .failure(error)) }
            return
        }
        guard let context else {
            for index in batch.indices { deliver(index, .failure(RedisError(.connectionLost, "no connection"))) }
            return
        }
        for index in batch {
            if let error = Hiredis.append(context, arguments(index)) {
                drop()
                for index in batch.indices { deliver(index, .failure(error)) }
                return
            }
        }
        if let error = Hiredis.flush(context) {
            drop()
            for index in batch.indices { deliver(index, .failure(error)) }
            return
        }
        var carried = 0
        for index in batch.indices {
            let result = Hiredis.nextReply(context, maxReplyBytes: configuration.maxReplyBytes, carried: &carried)
            switch result {
            case .failure(let error):
                // A half-read or timed-out reply would be read as the next command's: start over.
                drop()
                deliver(index, .failure(error))
                let rest = error.kind == .replyTooLarge
                    ? RedisError(.aborted, "connection dropped after an earlier pipelined reply grew too large; this command may have run")
                    : error
                for later in (index + 1)..<count { deliver(later, .failure(rest)) }
                return
            case .success(.error(let message)):
                deliver(index, .failure(Self.serverError(message)))
            case .success:
                deliver(index, result)
            }
        }
    }

    /// One command as a pipeline of one (connection setup: AUTH, SELECT).
    private func command(_ arguments: [RedisArgument]) -> Result<RedisReply, RedisError> {
        var outcome: Result<RedisReply, RedisError> = .failure(RedisError(.connectionLost, "no reply"))
        pipeline(count: 1, arguments: { _ in arguments }) { _, result in outcome = result }
        return outcome
    }

    /// A top-level error reply as a typed error.
    static func serverError(_ message: String) -> RedisError {
        message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS")
            ? RedisError(.authenticationFailed, message) : RedisError(.server, message)
    }

    private func connect() -> RedisError? {
        switch Hiredis.connect(
            host: configuration.host, port: configuration.port,
            connectTimeout: configuration.connectTimeout, commandTimeout: configuration.commandTimeout
        ) {
        case .failure(let error):
            return error
        case .success(let fresh):
            context = fresh
        }
        if let password = configuration.password {
            var auth: [RedisArgument] = ["AUTH"]
            if let user = configuration.username { auth.append(RedisArgument(user)) }
            auth.append(RedisArgument(password))
            if case .failure(let error) = command(auth) {
                drop()
                return error.kind == .server ? RedisError(.authenticationFailed, error.message) : error
            }
        }
        if configuration.database != 0, case .failure(let error) = command(["SELECT", RedisArgument(Int64(configuration.database))]) {
            drop()
            return error
        }
        return nil
    }

    func drop() {
        if let context { Hiredis.free(context) }
        context = nil
    }
}
