import Crypto

/// A public key from a JWKS file, ready to verify JWS signatures of one algorithm.
///
/// Key sets are swapped whole on reload, so a request that started with the old set keeps
/// its keys alive until it finishes.
public final class VerificationKey: Sendable {

    /// The JWK family: `RSA` or `EC` (P-256).
    public enum KeyType: String, Sendable, Equatable {
        case rsa = "RSA"
        case ecP256 = "EC"
    }

    /// The key's `kid`.
    public let keyID: String
    public let type: KeyType
    /// The only algorithm this key verifies: RS256 for RSA keys, ES256 for P-256 keys.
    public let algorithm: JWSAlgorithm
    /// The key size in bits (RSA modulus or 256).
    public let bits: Int
    /// The exact length of a JWS signature under this key: the modulus length for RSA,
    /// 64 (`r || s`) for ES256.
    public let signatureLength: Int

    let key: PublicKey

    init(keyID: String, type: KeyType, key: PublicKey) {
        self.keyID = keyID
        self.type = type
        self.key = key
        self.bits = key.bits
        switch type {
        case .rsa:
            algorithm = .rs256
            signatureLength = key.maximumSignatureLength
        case .ecP256:
            algorithm = .es256
            signatureLength = 64
        }
    }

    /// Whether `signature` (JWS form: PKCS#1 v1.5 bytes, or ECDSA `r || s`) signs `message`.
    /// The caller has checked the length against `signatureLength`.
    func verify(message: some Collection<UInt8>, signature: [UInt8]) -> Result<Bool, CryptoError> {
        let encoded: [UInt8]
        switch type {
        case .rsa:
            encoded = signature
        case .ecP256:
            switch PublicKey.derECDSASignature(r: signature[0..<32], s: signature[32..<64]) {
            case .success(let der): encoded = der
            case .failure(let error): return .failure(error)
            }
        }
        return withContiguousBytes(message) { messageBytes in
            encoded.withUnsafeBytes { signatureBytes in
                key.verifySHA256(message: messageBytes, signature: signatureBytes)
            }
        }
    }
}

/// Runs `body` over the collection's bytes, copying only when they are not contiguous.
func withContiguousBytes<T>(_ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) -> T) -> T {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(bytes).withUnsafeBytes(body)
}
