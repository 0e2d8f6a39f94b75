/// One hiredis connection confined to its thread: connects lazily (AUTH,
/// SELECT), runs one command at a time, and drops the context after any
/// I/O failure so the next command reconnects.
final class RedisLink {
    private let configuration: RedisConfiguration
    private var context: Hiredis.Context?

    init(configuration: RedisConfiguration) {
        self.configuration = configuration
    }

    func command(_ arguments: [RedisArgument]) -> Result<RedisReply, RedisError> {
        if context == nil, let error = connect() { return .failure(error) }
        guard let context else { return .failure(RedisError(.connectionLost, "no connection")) }
        let result = Hiredis.roundTrip(context, arguments, maxReplyBytes: configuration.maxReplyBytes)
        switch result {
        case .failure:
            // A half-read or timed-out reply would be read by the next caller: start over.
            drop()
            return result
        case .success(.error(let message)):
            let error = message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS")
                ? RedisError(.authenticationFailed, message) : RedisError(.server, message)
            return .failure(error)
        case .success:
            return result
        }
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
