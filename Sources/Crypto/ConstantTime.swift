/// Whether `a` and `b` hold the same bytes, in time that depends only on their length.
///
/// Wraps `CRYPTO_memcmp`, so the compiler cannot turn the comparison into an early exit.
/// Lengths are compared first (MAC and token lengths are public).
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBytes { aBytes in
        b.withUnsafeBytes { bBytes in OpenSSLCalls.constantTimeEqual(aBytes, bBytes) }
    }
}
