/// Ed25519 public keys and signature checks (manifest signatures), on raw 32-byte keys.
public enum Ed25519 {
    /// Raw public key length in bytes.
    public static let keyLength = OpenSSLCalls.ed25519KeyLength
    /// Signature length in bytes.
    public static let signatureLength = OpenSSLCalls.ed25519SignatureLength

    /// The raw key of a `-----BEGIN PUBLIC KEY-----` PEM (what `openssl pkey -pubout`
    /// writes); `.invalidKey` when it is not a PEM public key or not an Ed25519 one.
    public static func publicKey(pem: [UInt8]) -> Result<[UInt8], CryptoError> {
        OpenSSLCalls.ed25519PublicKey(pem: pem)
    }

    /// Whether `signature` is `publicKey`'s signature over `message`; a well-formed signature
    /// that does not verify, or one of the wrong length, is `false`.
    public static func verify(publicKey: [UInt8], signature: [UInt8], message: [UInt8]) -> Result<Bool, CryptoError> {
        OpenSSLCalls.ed25519Verify(publicKey: publicKey, signature: signature, message: message)
    }
}
