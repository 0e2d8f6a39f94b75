/// SHA-256 (FIPS 180-4) over OpenSSL's `EVP_Digest`.
public enum SHA256Digest {
    /// Digest length in bytes.
    public static let byteCount = 32

    /// The 32-byte SHA-256 of `bytes` (pass `string.utf8` for text).
    ///
    /// With a fixed, built-in algorithm OpenSSL fails only when it cannot allocate; like
    /// Swift's own allocation failure that traps rather than returning a wrong digest.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        withContiguousBytes(bytes) { data in
            [UInt8](unsafeUninitializedCapacity: byteCount) { output, count in
                guard let base = output.baseAddress else { preconditionFailure("no digest buffer") }
                switch OpenSSLCalls.sha256(data, into: base) {
                case .success: count = byteCount
                case .failure(let error): preconditionFailure("\(error)")
                }
            }
        }
    }

    /// The SHA-256 of `bytes` as 64 lowercase hex characters (the APQ `sha256Hash` form).
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        Hex.encode(hash(bytes))
    }
}

/// Runs `body` over the collection's bytes, copying only when they are not contiguous.
func withContiguousBytes<T>(_ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) -> T) -> T {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(bytes).withUnsafeBytes(body)
}
