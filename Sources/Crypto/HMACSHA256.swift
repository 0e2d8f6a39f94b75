/// HMAC-SHA-256 (RFC 2104) over OpenSSL's one-shot `HMAC()`; used for JWT HS256.
public enum HMACSHA256 {
    /// Authentication code length in bytes.
    public static let byteCount = 32

    /// The 32-byte HMAC-SHA-256 of `message` under `key`. Compare codes with `constantTimeEqual`.
    ///
    /// Like `SHA256Digest.hash`, this fails only when OpenSSL cannot allocate, and traps then.
    public static func authenticationCode(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        // HMAC() takes an int key length; a key past that is replaced by its digest, as RFC 2104 §2
        // does for every key longer than the 64-byte block, so the result is unchanged.
        let keyBytes: [UInt8] = key.count > Int(Int32.max) ? SHA256Digest.hash(key) : Array(key)
        return keyBytes.withUnsafeBytes { keyData in
            withContiguousBytes(message) { messageData in
                [UInt8](unsafeUninitializedCapacity: byteCount) { output, count in
                    guard let base = output.baseAddress else { preconditionFailure("no MAC buffer") }
                    switch OpenSSLCalls.hmacSHA256(key: keyData, message: messageData, into: base) {
                    case .success: count = byteCount
                    case .failure(let error): preconditionFailure("\(error)")
                    }
                }
            }
        }
    }
}
