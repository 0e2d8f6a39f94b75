import Kit

/// A drill's fault at this client's call site (issue 18), acted out as Redis itself would fail:
/// the command is not sent; the caller (and the breaker) meet the same `RedisError`.
extension RedisClient {
    /// The failure to give instead of the command, after any delay; nil: send it.
    func act(_ fault: CallFault) async -> RedisError? {
        switch fault {
        case .delay(let milliseconds):
            try? await Task.sleep(for: .milliseconds(milliseconds))
            return nil
        case .error(let code, let label):
            return RedisError(.server, "\(code) \(label): injected error reply")
        case .drop(let label):
            return RedisError(.connectionLost, "\(label): connection reset by peer")
        case .timeout(let label):
            // The caller waits out the command timeout, as it would for a hung server.
            try? await Task.sleep(for: configuration.commandTimeout)
            return RedisError(.timeout, "\(label): no reply within \(configuration.commandTimeout)")
        }
    }
}
