/// An RSA or P-256 public key (from a JWK), ready to verify SHA-256 signatures.
///
/// Owns one OpenSSL `EVP_PKEY`, freed when the last reference goes away, so a key set
/// swapped on reload stays alive for the requests that still hold it.
public final class PublicKey: @unchecked Sendable {
    // Guarded by immutability: the pointer is a `let` set in `init`, and OpenSSL 3 documents
    // a fully constructed EVP_PKEY as safe to use from several threads at once (each
    // verification gets its own EVP_MD_CTX).
    private let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) {
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
