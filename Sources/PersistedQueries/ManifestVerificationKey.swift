import Crypto

/// A key a manifest signature may be checked with.
public enum ManifestVerificationKey: Sendable, Hashable, CustomStringConvertible {
    /// A shared secret; the signature is HMAC-SHA-256 of the manifest bytes (32 bytes).
    case hmacSHA256(secret: [UInt8])
    /// A raw 32-byte Ed25519 public key; the signature is Ed25519 over the manifest bytes (64 bytes).
    case ed25519(publicKey: [UInt8])

    /// An HMAC key from its secret text; an empty secret is refused (it would verify anything
    /// signed with the empty key, which `openssl dgst -hmac ""` happily produces).
    public static func hmac(secret: some Collection<UInt8>) throws(SignatureError) -> ManifestVerificationKey {
        guard !secret.isEmpty else { throw .invalidKey(reason: "the HMAC secret is empty") }
        return .hmacSHA256(secret: Array(secret))
    }

    /// An Ed25519 key from a `-----BEGIN PUBLIC KEY-----` PEM (what `openssl pkey -pubout` writes).
    public static func ed25519(pem: some Collection<UInt8>) throws(SignatureError) -> ManifestVerificationKey {
        .ed25519(publicKey: try Ed25519.publicKey(pem: Array(pem)).mapError(SignatureError.init).get())
    }

    /// Whether `signature` is this key's signature over `message`. Throws only when the key
    /// itself is unusable or OpenSSL fails; a wrong signature is `false`.
    public func verifies(_ signature: [UInt8], over message: [UInt8]) throws(SignatureError) -> Bool {
        switch self {
        case .hmacSHA256(let secret):
            let expected = HMACSHA256.authenticationCode(key: secret, message: message)
            return constantTimeEqual(expected, signature)
        case .ed25519(let publicKey):
            return try Ed25519.verify(publicKey: publicKey, signature: signature, message: message).mapError(SignatureError.init).get()
        }
    }

    /// Names the algorithm and never the secret.
    public var description: String {
        switch self {
        case .hmacSHA256: return "HMAC-SHA256 (secret redacted)"
        case .ed25519(let publicKey): return "Ed25519 \(Hex.encode(publicKey.prefix(8)))…"
        }
    }
}
