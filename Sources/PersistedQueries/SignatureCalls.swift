import COpenSSL

// Every OpenSSL call of the module lives in this file: thin wrappers that take Swift
// buffers, free what they allocate on every path, and turn 1/0/NULL into typed results.

enum SignatureCalls {
    /// Raw Ed25519 public key length in bytes.
    static let ed25519KeyLength = 32
    /// Ed25519 signature length in bytes.
    static let ed25519SignatureLength = 64

    /// Reads a `-----BEGIN PUBLIC KEY-----` PEM (`BIO_new_mem_buf`, `PEM_read_bio_PUBKEY`),
    /// checks it is Ed25519 (`EVP_PKEY_get_base_id`) and returns its 32 raw bytes
    /// (`EVP_PKEY_get_raw_public_key`).
    static func ed25519PublicKey(pem: [UInt8]) -> Result<[UInt8], SignatureError> {
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
    static func ed25519Verify(publicKey: [UInt8], signature: [UInt8], message: [UInt8]) -> Result<Bool, SignatureError> {
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

    /// The first entry of OpenSSL's thread-local error queue (`ERR_peek_error`, `ERR_error_string_n`).
    private static func lastReason() -> String {
        let code = ERR_peek_error()
        guard code != 0 else { return "no error queued" }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
