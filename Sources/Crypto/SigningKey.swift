/// An ECDSA P-256 private key read from PEM: signs SHA-256 digests for the evidence
/// bundle's DSSE envelopes and the policy bundle's detached signature.
///
/// Owns one OpenSSL `EVP_PKEY`, freed with the last reference.
public final class SigningKey: @unchecked Sendable {
    // Guarded by immutability: the pointer is a `let` set in `init`; OpenSSL 3 documents a
    // constructed EVP_PKEY as usable from several threads (each signature has its own context).
    private let pointer: OpaquePointer
    /// The public half, for verifying what this key signed.
    public let publicKey: PublicKey

    private init(_ pointer: OpaquePointer, publicKey: PublicKey) {
        self.pointer = pointer
        self.publicKey = publicKey
    }

    deinit {
        OpenSSLCalls.free(pointer)
    }

    /// A P-256 private key from `-----BEGIN PRIVATE KEY-----` (or `EC PRIVATE KEY`) PEM;
    /// `.invalidKey` for anything else (another curve, RSA, an encrypted key, garbage).
    public static func p256(pem: [UInt8]) -> Result<SigningKey, CryptoError> {
        switch OpenSSLCalls.p256PrivateKey(pem: pem) {
        case .failure(let error): return .failure(error)
        case .success(let key):
            switch OpenSSLCalls.publicHalf(key) {
            case .failure(let error):
                OpenSSLCalls.free(key)
                return .failure(error)
            case .success(let half):
                return .success(SigningKey(key, publicKey: PublicKey(owning: half)))
            }
        }
    }

    /// The DER ECDSA signature of SHA-256(`message`).
    public func signSHA256(_ message: [UInt8]) -> Result<[UInt8], CryptoError> {
        OpenSSLCalls.signSHA256(key: pointer, message: message)
    }
}
