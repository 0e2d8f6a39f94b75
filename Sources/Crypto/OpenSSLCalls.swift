import COpenSSL

// Every OpenSSL call of safemut lives in this file (the layering check enforces it): thin
// wrappers that take Swift buffers, free what they allocate on every path, and turn
// OpenSSL's 1/0/NULL returns into `CryptoError`s. The module's public types (SHA256Digest,
// HMACSHA256, SecureRandom, PublicKey, Ed25519) call these; no other module sees OpenSSL.

/// An `EVP_MD` fetched once: OpenSSL 3 re-resolves the implicit `EVP_sha256()` on every call,
/// which costs more than hashing a short GraphQL document.
private struct FetchedDigest: @unchecked Sendable {
    // Guarded by immutability: written once at first use, and OpenSSL documents fetched
    // EVP_MD objects as safe to share across threads for reading.
    let pointer: OpaquePointer
}

/// `EVP_MD_fetch(NULL, "SHA256", NULL)`, falling back to the built-in `EVP_sha256()` if fetching fails.
private let sha256Algorithm: FetchedDigest = {
    if let fetched = EVP_MD_fetch(nil, "SHA256", nil) {
        return FetchedDigest(pointer: fetched)
    }
    ERR_clear_error()
    return FetchedDigest(pointer: EVP_sha256())
}()

/// `EVP_PKEY_PUBLIC_KEY` from evp.h: a macro composed of other macros, which Swift does not import.
private let selectPublicKey = Int32(
    OSSL_KEYMGMT_SELECT_PUBLIC_KEY | OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS
)

/// Parameter names and values for `OSSL_PARAM_BLD`, which keeps key and string pointers
/// by reference until `OSSL_PARAM_BLD_to_param`: a Swift `String` passed as `char *` lives
/// only for the call, so these are static C strings instead of the imported macros.
private enum ParameterName {
    /// `OSSL_PKEY_PARAM_RSA_N`
    static let rsaN: StaticString = "n"
    /// `OSSL_PKEY_PARAM_RSA_E`
    static let rsaE: StaticString = "e"
    /// `OSSL_PKEY_PARAM_GROUP_NAME`
    static let groupName: StaticString = "group"
    /// `OSSL_PKEY_PARAM_PUB_KEY`
    static let publicKey: StaticString = "pub"
    /// OpenSSL's name for the P-256 group (`SN_X9_62_prime256v1`).
    static let p256: StaticString = "prime256v1"
}

/// A static string's NUL-terminated bytes, valid for the life of the program.
private func cString(_ text: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

enum OpenSSLCalls {
    // MARK: - Digests, MACs, randomness

    /// SHA-256 output length in bytes.
    static let sha256Length = 32

    /// Wraps `EVP_Digest` with SHA-256 over `data`, writing 32 bytes to `output`.
    static func sha256(_ data: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) -> Result<Void, CryptoError> {
        var length: UInt32 = 0
        let ok = withNonNullBase(data) { base in
            EVP_Digest(base, data.count, output, &length, sha256Algorithm.pointer, nil)
        }
        guard ok == 1, length == UInt32(sha256Length) else { return .failure(lastError(call: "EVP_Digest")) }
        return .success(())
    }

    /// Wraps the one-shot `HMAC()` with SHA-256, writing 32 bytes to `output`.
    static func hmacSHA256(
        key: UnsafeRawBufferPointer,
        message: UnsafeRawBufferPointer,
        into output: UnsafeMutablePointer<UInt8>
    ) -> Result<Void, CryptoError> {
        // HMAC() takes the key length as C int; longer keys are hashed first by the caller (RFC 2104 §2).
        guard let keyLength = Int32(exactly: key.count) else {
            return .failure(.openSSL(call: "HMAC", reason: "key longer than Int32.max bytes"))
        }
        var length: UInt32 = 0
        let result = withNonNullBase(key) { keyBase in
            withNonNullBase(message) { messageBase in
                HMAC(
                    sha256Algorithm.pointer, keyBase, keyLength,
                    messageBase.assumingMemoryBound(to: UInt8.self), message.count,
                    output, &length
                )
            }
        }
        guard result != nil, length == UInt32(sha256Length) else { return .failure(lastError(call: "HMAC")) }
        return .success(())
    }

    /// Wraps `RAND_bytes`, filling `buffer` from OpenSSL's CSPRNG in `Int32`-sized pieces.
    static func randomBytes(_ buffer: UnsafeMutableRawBufferPointer) -> Result<Void, CryptoError> {
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return .success(()) }
        var offset = 0
        while offset < buffer.count {
            let piece = Int32(clamping: buffer.count - offset)
            guard RAND_bytes(base + offset, piece) == 1 else { return .failure(lastError(call: "RAND_bytes")) }
            offset += Int(piece)
        }
        return .success(())
    }

    /// Wraps `CRYPTO_memcmp`: compares `count` bytes in time independent of where they differ.
    static func constantTimeEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        precondition(a.count == b.count, "callers compare lengths first")
        return withNonNullBase(a) { aBase in
            withNonNullBase(b) { bBase in CRYPTO_memcmp(aBase, bBase, a.count) == 0 }
        }
    }

    // MARK: - RSA and P-256 public keys (JWKS)

    /// An RSA public key from its big-endian modulus and exponent (JWK `n`, `e`):
    /// `OSSL_PARAM_BLD` + `EVP_PKEY_fromdata`, then `EVP_PKEY_public_check`.
    static func rsaPublicKey(modulus: [UInt8], exponent: [UInt8]) -> Result<OpaquePointer, CryptoError> {
        guard let n = bigNumber(modulus) else { return .failure(lastError(call: "BN_bin2bn")) }
        defer { BN_free(n) }
        guard let e = bigNumber(exponent) else { return .failure(lastError(call: "BN_bin2bn")) }
        defer { BN_free(e) }
        return publicKey(type: "RSA") { builder in
            guard OSSL_PARAM_BLD_push_BN(builder, cString(ParameterName.rsaN), n) == 1,
                  OSSL_PARAM_BLD_push_BN(builder, cString(ParameterName.rsaE), e) == 1
            else { return false }
            return true
        }
    }

    /// A P-256 public key from its affine coordinates (JWK `x`, `y`, 32 bytes each):
    /// the uncompressed point `04 || x || y` through `EVP_PKEY_fromdata`, then
    /// `EVP_PKEY_public_check`, which rejects a point that is not on the curve.
    static func p256PublicKey(x: [UInt8], y: [UInt8]) -> Result<OpaquePointer, CryptoError> {
        let point: [UInt8] = [0x04] + x + y
        return point.withUnsafeBytes { pointBytes in
            publicKey(type: "EC") { builder in
                guard OSSL_PARAM_BLD_push_utf8_string(builder, cString(ParameterName.groupName), cString(ParameterName.p256), 0) == 1,
                      OSSL_PARAM_BLD_push_octet_string(builder, cString(ParameterName.publicKey), pointBytes.baseAddress, pointBytes.count) == 1
                else { return false }
                return true
            }
        }
    }

    /// Wraps `EVP_PKEY_get_bits`: the key's size in bits (the RSA modulus, 256 for P-256).
    static func keyBits(_ key: OpaquePointer) -> Int {
        Int(EVP_PKEY_get_bits(key))
    }

    /// Wraps `EVP_PKEY_get_size`: the largest signature in bytes; for RSA, the modulus length.
    static func maximumSignatureLength(_ key: OpaquePointer) -> Int {
        Int(EVP_PKEY_get_size(key))
    }

    /// Wraps `EVP_PKEY_free`.
    static func free(_ key: OpaquePointer) {
        EVP_PKEY_free(key)
    }

    /// Whether `signature` is a valid SHA-256 signature of `message` under `key`
    /// (RSASSA-PKCS1-v1_5 for RSA keys, DER-encoded ECDSA for EC keys), via
    /// `EVP_DigestVerifyInit` + `EVP_DigestVerify`. OpenSSL answers 1 for valid, 0 for
    /// a bad signature and below 0 for a malformed one; only 1 counts.
    static func verifySHA256(
        key: OpaquePointer,
        message: UnsafeRawBufferPointer,
        signature: UnsafeRawBufferPointer
    ) -> Result<Bool, CryptoError> {
        guard let context = EVP_MD_CTX_new() else { return .failure(lastError(call: "EVP_MD_CTX_new")) }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, sha256Algorithm.pointer, nil, key) == 1 else {
            return .failure(lastError(call: "EVP_DigestVerifyInit"))
        }
        let result = withNonNullBase(signature) { signatureBase in
            withNonNullBase(message) { messageBase in
                EVP_DigestVerify(
                    context,
                    signatureBase.assumingMemoryBound(to: UInt8.self), signature.count,
                    messageBase.assumingMemoryBound(to: UInt8.self), message.count
                )
            }
        }
        // A rejected signature leaves reasons on this thread's queue; drop them so they
        // are not reported against a later, unrelated call.
        ERR_clear_error()
        return .success(result == 1)
    }

    /// The DER `ECDSA-Sig-Value` for a JWS ECDSA signature `r || s` (RFC 7518 §3.4), via
    /// `BN_bin2bn`, `ECDSA_SIG_set0` and `i2d_ECDSA_SIG`; OpenSSL verifies only the DER form.
    static func ecdsaDERSignature(r: ArraySlice<UInt8>, s: ArraySlice<UInt8>) -> Result<[UInt8], CryptoError> {
        guard let signature = ECDSA_SIG_new() else { return .failure(lastError(call: "ECDSA_SIG_new")) }
        defer { ECDSA_SIG_free(signature) }
        guard let rNumber = bigNumber(Array(r)) else { return .failure(lastError(call: "BN_bin2bn")) }
        guard let sNumber = bigNumber(Array(s)) else {
            BN_free(rNumber)
            return .failure(lastError(call: "BN_bin2bn"))
        }
        // ECDSA_SIG_set0 takes ownership of both numbers on success only.
        guard ECDSA_SIG_set0(signature, rNumber, sNumber) == 1 else {
            BN_free(rNumber)
            BN_free(sNumber)
            return .failure(lastError(call: "ECDSA_SIG_set0"))
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return .failure(lastError(call: "i2d_ECDSA_SIG")) }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        guard written == length else { return .failure(lastError(call: "i2d_ECDSA_SIG")) }
        return .success(der)
    }


    /// Builds a public `EVP_PKEY` of `type` from the parameters `push` adds to an
    /// `OSSL_PARAM_BLD`, and checks it with `EVP_PKEY_public_check`.
    private static func publicKey(
        type: String,
        push: (OpaquePointer) -> Bool
    ) -> Result<OpaquePointer, CryptoError> {
        guard let builder = OSSL_PARAM_BLD_new() else { return .failure(lastError(call: "OSSL_PARAM_BLD_new")) }
        defer { OSSL_PARAM_BLD_free(builder) }
        guard push(builder) else { return .failure(lastError(call: "OSSL_PARAM_BLD_push")) }
        guard let parameters = OSSL_PARAM_BLD_to_param(builder) else {
            return .failure(lastError(call: "OSSL_PARAM_BLD_to_param"))
        }
        defer { OSSL_PARAM_free(parameters) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            return .failure(lastError(call: "EVP_PKEY_CTX_new_from_name"))
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_fromdata_init(context) == 1 else { return .failure(lastError(call: "EVP_PKEY_fromdata_init")) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata(context, &key, selectPublicKey, parameters) == 1, let key else {
            return .failure(lastError(call: "EVP_PKEY_fromdata"))
        }
        guard let checkContext = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
            EVP_PKEY_free(key)
            return .failure(lastError(call: "EVP_PKEY_CTX_new_from_pkey"))
        }
        defer { EVP_PKEY_CTX_free(checkContext) }
        guard EVP_PKEY_public_check(checkContext) == 1 else {
            EVP_PKEY_free(key)
            return .failure(lastError(call: "EVP_PKEY_public_check"))
        }
        return .success(key)
    }

    /// Wraps `BN_bin2bn`: a new `BIGNUM` from big-endian bytes (free with `BN_free`).
    private static func bigNumber(_ bytes: [UInt8]) -> OpaquePointer? {
        guard let length = Int32(exactly: bytes.count) else { return nil }
        return bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, length, nil) }
    }

    // MARK: - Ed25519 (manifest signatures)

    /// Raw Ed25519 public key length in bytes.
    static let ed25519KeyLength = 32
    /// Ed25519 signature length in bytes.
    static let ed25519SignatureLength = 64

    /// Reads a `-----BEGIN PUBLIC KEY-----` PEM (`BIO_new_mem_buf`, `PEM_read_bio_PUBKEY`),
    /// checks it is Ed25519 (`EVP_PKEY_get_base_id`) and returns its 32 raw bytes
    /// (`EVP_PKEY_get_raw_public_key`).
    static func ed25519PublicKey(pem: [UInt8]) -> Result<[UInt8], CryptoError> {
        defer { ERR_clear_error() }
        guard let length = Int32(exactly: pem.count) else {
            return .failure(.invalidKey(reason: "PEM larger than 2 GiB"))
        }
        let key: OpaquePointer? = pem.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let bio = BIO_new_mem_buf(base, length) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        guard let key else {
            return .failure(.invalidKey(reason: "not a PEM public key (\(lastReason()))"))
        }
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else {
            return .failure(.invalidKey(reason: "the PEM key is not an Ed25519 key"))
        }
        var raw = [UInt8](repeating: 0, count: ed25519KeyLength)
        var rawLength = raw.count
        guard EVP_PKEY_get_raw_public_key(key, &raw, &rawLength) == 1, rawLength == ed25519KeyLength else {
            return .failure(.openSSL(call: "EVP_PKEY_get_raw_public_key", reason: lastReason()))
        }
        return .success(raw)
    }

    /// Verifies an Ed25519 signature over `message`: `EVP_PKEY_new_raw_public_key`,
    /// `EVP_DigestVerifyInit` with a NULL digest (Ed25519 hashes internally, one shot) and
    /// `EVP_DigestVerify`. `.success(false)` means a well-formed signature that does not verify.
    static func ed25519Verify(publicKey: [UInt8], signature: [UInt8], message: [UInt8]) -> Result<Bool, CryptoError> {
        defer { ERR_clear_error() }
        guard publicKey.count == ed25519KeyLength else {
            return .failure(.invalidKey(reason: "an Ed25519 public key is \(ed25519KeyLength) bytes, got \(publicKey.count)"))
        }
        guard signature.count == ed25519SignatureLength else { return .success(false) }
        guard let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, publicKey, publicKey.count) else {
            return .failure(.openSSL(call: "EVP_PKEY_new_raw_public_key", reason: lastReason()))
        }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else {
            return .failure(.openSSL(call: "EVP_MD_CTX_new", reason: lastReason()))
        }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else {
            return .failure(.openSSL(call: "EVP_DigestVerifyInit", reason: lastReason()))
        }
        // EVP_DigestVerify wants a non-NULL pointer even for an empty message.
        var empty: UInt8 = 0
        let result: Int32 = message.withUnsafeBufferPointer { messageBuffer in
            signature.withUnsafeBufferPointer { signatureBuffer in
                withUnsafeMutablePointer(to: &empty) { emptyPointer in
                    EVP_DigestVerify(
                        context, signatureBuffer.baseAddress, signatureBuffer.count,
                        messageBuffer.baseAddress ?? UnsafePointer(emptyPointer), messageBuffer.count
                    )
                }
            }
        }
        switch result {
        case 1: return .success(true)
        case 0: return .success(false)
        default: return .failure(.openSSL(call: "EVP_DigestVerify", reason: lastReason()))
        }
    }

    // MARK: - ECDSA P-256 keys from PEM (evidence and policy-bundle signatures)

    /// Reads a PEM key with `read` (`PEM_read_bio_PUBKEY` or `PEM_read_bio_PrivateKey`) and
    /// checks it is an EC key of 256 bits (P-256): the only curve the evidence signs with.
    private static func p256Key(pem: [UInt8], kind: String, read: (OpaquePointer) -> OpaquePointer?) -> Result<OpaquePointer, CryptoError> {
        defer { ERR_clear_error() }
        guard let length = Int32(exactly: pem.count) else { return .failure(.invalidKey(reason: "PEM larger than 2 GiB")) }
        let key: OpaquePointer? = pem.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let bio = BIO_new_mem_buf(base, length) else { return nil }
            defer { BIO_free(bio) }
            return read(bio)
        }
        guard let key else { return .failure(.invalidKey(reason: "not a PEM \(kind) (\(lastReason()))")) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC, EVP_PKEY_get_bits(key) == 256 else {
            EVP_PKEY_free(key)
            return .failure(.invalidKey(reason: "the PEM \(kind) is not an ECDSA P-256 key"))
        }
        return .success(key)
    }

    /// A `-----BEGIN PUBLIC KEY-----` P-256 key (`openssl ec -pubout`).
    static func p256PublicKey(pem: [UInt8]) -> Result<OpaquePointer, CryptoError> {
        p256Key(pem: pem, kind: "public key") { PEM_read_bio_PUBKEY($0, nil, nil, nil) }
    }

    /// A `-----BEGIN PRIVATE KEY-----` or `-----BEGIN EC PRIVATE KEY-----` P-256 key
    /// (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`), unencrypted.
    static func p256PrivateKey(pem: [UInt8]) -> Result<OpaquePointer, CryptoError> {
        p256Key(pem: pem, kind: "private key") { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
    }

    /// The key's public half as DER SubjectPublicKeyInfo (`i2d_PUBKEY`): what a key id hashes.
    static func publicKeyDER(_ key: OpaquePointer) -> Result<[UInt8], CryptoError> {
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else { return .failure(lastError(call: "i2d_PUBKEY")) }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(key, &cursor)
        }
        guard written == length else { return .failure(lastError(call: "i2d_PUBKEY")) }
        return .success(der)
    }

    /// A new public-only `EVP_PKEY` holding `key`'s public half (DER round trip), so a
    /// verifier never carries the private scalar.
    static func publicHalf(_ key: OpaquePointer) -> Result<OpaquePointer, CryptoError> {
        switch publicKeyDER(key) {
        case .failure(let error): return .failure(error)
        case .success(let der):
            let copy: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
                var cursor = buffer.baseAddress
                return d2i_PUBKEY(nil, &cursor, Int(buffer.count))
            }
            guard let copy else { return .failure(lastError(call: "d2i_PUBKEY")) }
            return .success(copy)
        }
    }

    /// A DER-encoded ECDSA signature over SHA-256 of `message` (`EVP_DigestSignInit`,
    /// `EVP_DigestSign`); OpenSSL draws the nonce from its DRBG.
    static func signSHA256(key: OpaquePointer, message: [UInt8]) -> Result<[UInt8], CryptoError> {
        guard let context = EVP_MD_CTX_new() else { return .failure(lastError(call: "EVP_MD_CTX_new")) }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, sha256Algorithm.pointer, nil, key) == 1 else {
            return .failure(lastError(call: "EVP_DigestSignInit"))
        }
        var empty: UInt8 = 0
        return message.withUnsafeBufferPointer { messageBuffer in
            withUnsafeMutablePointer(to: &empty) { emptyPointer in
                let base = messageBuffer.baseAddress ?? UnsafePointer(emptyPointer)
                var length = 0
                guard EVP_DigestSign(context, nil, &length, base, messageBuffer.count) == 1 else {
                    return .failure(lastError(call: "EVP_DigestSign"))
                }
                var signature = [UInt8](repeating: 0, count: length)
                guard EVP_DigestSign(context, &signature, &length, base, messageBuffer.count) == 1 else {
                    return .failure(lastError(call: "EVP_DigestSign"))
                }
                return .success(Array(signature.prefix(length)))
            }
        }
    }

    // MARK: - Errors and buffers

    /// Pops OpenSSL's thread-local error queue (`ERR_get_error`, `ERR_error_string_n`).
    static func lastError(call: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return .openSSL(call: call, reason: "no error queued") }
        return .openSSL(call: call, reason: reasonText(code))
    }

    /// The first entry of OpenSSL's thread-local error queue, left on the queue (`ERR_peek_error`).
    static func lastReason() -> String {
        let code = ERR_peek_error()
        guard code != 0 else { return "no error queued" }
        return reasonText(code)
    }

    private static func reasonText(_ code: UInt) -> String {
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        // ERR_error_string_n always NUL-terminates within the buffer.
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Calls `body` with the buffer's base, or with a pointer to a dummy byte when the buffer is
    /// empty: some OpenSSL 3 paths reject NULL even alongside a zero length (e.g. an empty HMAC key).
    static func withNonNullBase<T>(_ buffer: UnsafeRawBufferPointer, _ body: (UnsafeRawPointer) -> T) -> T {
        if let base = buffer.baseAddress { return body(base) }
        var emptyByte: UInt8 = 0
        return withUnsafePointer(to: &emptyByte) { body(UnsafeRawPointer($0)) }
    }
}
