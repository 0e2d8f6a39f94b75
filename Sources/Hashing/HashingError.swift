/// A failure reported by OpenSSL, with the call that failed and OpenSSL's reason string.
public enum HashingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `call` returned its failure value; `reason` is the first entry of OpenSSL's error queue.
    case openSSL(call: String, reason: String)

    public var description: String {
        switch self {
        case .openSSL(let call, let reason): "OpenSSL \(call) failed: \(reason)"
        }
    }
}
