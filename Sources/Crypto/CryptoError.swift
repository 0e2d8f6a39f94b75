/// A failure of a cryptographic operation: a key that cannot be used, or an OpenSSL call
/// that failed with the reason OpenSSL gave.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key material is unusable (not a PEM public key, the wrong algorithm, the wrong length).
    case invalidKey(reason: String)
    /// `call` returned its failure value; `reason` is the first entry of OpenSSL's error queue.
    case openSSL(call: String, reason: String)

    public var description: String {
        switch self {
        case .invalidKey(let reason): "invalid key: \(reason)"
        case .openSSL(let call, let reason): "OpenSSL \(call) failed: \(reason)"
        }
    }
}
