import COpenSSL

// Every OpenSSL call of the module lives in this file: thin wrappers that
// take Swift buffers and turn OpenSSL's 1/0 and NULL returns into results.

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

enum OpenSSLCalls {
    /// SHA-256 output length in bytes.
    static let sha256Length = 32

    /// Wraps `EVP_Digest` with SHA-256 over `data`, writing 32 bytes to `output`.
    static func sha256(_ data: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) -> Result<Void, HashingError> {
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
    ) -> Result<Void, HashingError> {
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
    static func randomBytes(_ buffer: UnsafeMutableRawBufferPointer) -> Result<Void, HashingError> {
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

    /// Pops OpenSSL's thread-local error queue (`ERR_get_error`, `ERR_error_string_n`) into a `HashingError`.
    private static func lastError(call: String) -> HashingError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return .openSSL(call: call, reason: "no error queued") }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        // ERR_error_string_n always NUL-terminates within the buffer.
        let reason = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return .openSSL(call: call, reason: reason)
    }

    /// Calls `body` with the buffer's base, or with a pointer to a dummy byte when the buffer is
    /// empty: some OpenSSL 3 paths reject NULL even alongside a zero length (e.g. an empty HMAC key).
    private static func withNonNullBase<T>(_ buffer: UnsafeRawBufferPointer, _ body: (UnsafeRawPointer) -> T) -> T {
        if let base = buffer.baseAddress { return body(base) }
        var emptyByte: UInt8 = 0
        return withUnsafePointer(to: &emptyByte) { body(UnsafeRawPointer($0)) }
    }
}
