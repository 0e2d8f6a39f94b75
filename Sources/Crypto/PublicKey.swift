/// An RSA or P-256 public key (from a JWK), ready to verify SHA-256 signatures.
///
/// Owns one OpenSSL `EVP_PKEY`, freed when the last reference goes away, so a key set
/// swapped on reload stays alive for the requests that still hold it.
public final class PublicKey: @unchecked Sendable {
    // Guarded by immutability: the pointer is a `let` set in `init`, and OpenSSL 3 documents
    // a fully constructed EVP_PKEY as safe to use from several threads at once (each
    // verification gets its own EVP_MD_CTX).
    private let pointer: OpaquePointer

    /// Takes ownership of an `EVP_PKEY` built elsewhere in this module.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        OpenSSLCalls.free(pointer)
    }

    /// An RSA key from its big-endian modulus and exponent (JWK `n`, `e`), checked by OpenSSL.
    public static func rsa(modulus: [UInt8], exponent: [UInt8]) -> Result<PublicKey, CryptoError> {
        OpenSSLCalls.rsaPublicKey(modulus: modulus, exponent: exponent).map(PublicKey.init)
    }

    /// A P-256 key from its affine coordinates (JWK `x`, `y`, 32 bytes each); a point off
    /// the curve is refused.
    public static func p256(x: [UInt8], y: [UInt8]) -> Result<PublicKey, CryptoError> {
        OpenSSLCalls.p256PublicKey(x: x, y: y).map(PublicKey.init)
    }

    /// A P-256 key from `-----BEGIN PUBLIC KEY-----` PEM (`openssl ec -pubout`); any other
    /// algorithm or curve is `.invalidKey`.
    public static func p256(pem: [UInt8]) -> Result<PublicKey, CryptoError> {
        OpenSSLCalls.p256PublicKey(pem: pem).map(PublicKey.init)
    }

    /// The key's id: lowercase hex SHA-256 of its DER SubjectPublicKeyInfo (what
    /// `openssl pkey -pubin -outform DER | sha256sum` prints), for DSSE's `keyid`.
    public func keyID() -> Result<String, CryptoError> {
        OpenSSLCalls.publicKeyDER(pointer).map { SHA256Digest.hex($0) }
    }

    /// Verifies a DER ECDSA (or PKCS#1 v1.5 RSA) SHA-256 signature over `message`.
    public func verifySHA256(message: [UInt8], signature: [UInt8]) -> Result<Bool, CryptoError> {
        message.withUnsafeBytes { messageBytes in
            signature.withUnsafeBytes { signatureBytes in
                OpenSSLCalls.verifySHA256(key: pointer, message: messageBytes, signature: signatureBytes)
            }
        }
    }

    /// The key's size in bits (the RSA modulus, 256 for P-256).
    public var bits: Int { OpenSSLCalls.keyBits(pointer) }

    /// The largest signature in bytes; for RSA, the modulus length.
    public var maximumSignatureLength: Int { OpenSSLCalls.maximumSignatureLength(pointer) }

    /// Whether `signature` is a valid SHA-256 signature of `message`: RSASSA-PKCS1-v1_5 for
    /// RSA keys, DER-encoded ECDSA for P-256 keys (see `derECDSASignature`).
    public func verifySHA256(message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer) -> Result<Bool, CryptoError> {
        OpenSSLCalls.verifySHA256(key: pointer, message: message, signature: signature)
    }

    /// The DER `ECDSA-Sig-Value` for a JWS ECDSA signature `r || s` (RFC 7518 §3.4):
    /// OpenSSL verifies only the DER form.
    public static func derECDSASignature(r: ArraySlice<UInt8>, s: ArraySlice<UInt8>) -> Result<[UInt8], CryptoError> {
        OpenSSLCalls.ecdsaDERSignature(r: r, s: s)
    }
}
