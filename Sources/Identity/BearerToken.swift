/// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1).
enum BearerToken {
    /// The token's bytes; the scheme is case-insensitive, surrounding spaces are ignored.
    static func extract(_ header: String) -> Result<[UInt8], IdentityError> {
        var bytes = Array(header.utf8)[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count,
              zip(bytes.prefix(scheme.count), scheme).allSatisfy({ $0 | 0x20 == $1 }),
              bytes[bytes.startIndex + scheme.count] == 0x20
        else {
            return .failure(IdentityError(.malformedAuthorization("expected \"Bearer <token>\"")))
        }
        var token = bytes.dropFirst(scheme.count)
        while let first = token.first, first == 0x20 { token.removeFirst() }
        guard !token.isEmpty else { return .failure(IdentityError(.malformedAuthorization("empty bearer token"))) }
        return .success(Array(token))
    }
}
