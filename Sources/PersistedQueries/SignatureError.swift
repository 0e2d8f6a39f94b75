import Crypto

/// Why a manifest signature was not accepted.
public enum SignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `pq.require_signature` is on and no signature came with the manifest.
    case missingSignature
    /// A signature came but no verification key is configured.
    case noKeyConfigured
    /// The signature file is not hex, or has a length no configured algorithm produces.
    case malformedSignature(reason: String)
    /// A key could not be read (bad PEM, not an Ed25519 key, wrong raw length, empty secret).
    case invalidKey(reason: String)
    /// The signature is well formed but no configured key verifies it over these bytes.
    case mismatch
    /// OpenSSL failed for a reason other than a bad signature.
    case openSSL(call: String, reason: String)

    public var description: String {
        switch self {
        case .missingSignature: return "a signature is required (pq.require_signature) and none was given"
        case .noKeyConfigured: return "a signature was given but no verification key is configured"
        case .malformedSignature(let reason): return "malformed signature: \(reason)"
        case .invalidKey(let reason): return "invalid verification key: \(reason)"
        case .mismatch: return "signature does not match the manifest"
        case .openSSL(let call, let reason): return "OpenSSL \(call) failed: \(reason)"
        }
    }
}

extension SignatureError {
    /// A key or OpenSSL failure from the crypto layer, in this module's terms.
    init(_ error: CryptoError) {
        switch error {
        case .invalidKey(let reason): self = .invalidKey(reason: reason)
        case .openSSL(let call, let reason): self = .openSSL(call: call, reason: reason)
        }
    }
}
