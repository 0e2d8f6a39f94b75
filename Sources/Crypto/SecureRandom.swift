/// Cryptographically secure random bytes from OpenSSL's `RAND_bytes`.
public enum SecureRandom {
    /// `count` bytes from OpenSSL's CSPRNG; throws if OpenSSL cannot seed or generate.
    ///
    /// Use this for secrets (keys, tokens). Request ids use the cheaper `RequestID.generate()`.
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var result: Result<Void, CryptoError> = .success(())
        let bytes = [UInt8](unsafeUninitializedCapacity: max(0, count)) { buffer, initialized in
            result = OpenSSLCalls.randomBytes(UnsafeMutableRawBufferPointer(buffer))
            switch result {
            case .success: initialized = buffer.count
            case .failure: initialized = 0
            }
        }
        try result.get()
        return bytes
    }
}
