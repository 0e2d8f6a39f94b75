import Crypto

/// Verifies compact JWS tokens (RFC 7515 §7.1) and their claims (RFC 7519 §7.2).
///
/// Order matters: size cap, shape, header (algorithm and key chosen), strict base64url of
/// every part, signature, and only then the payload's JSON is parsed, so unauthenticated
/// JSON is never read past the header.
public struct JWTVerifier: Sendable {
    private let secret: [UInt8]?
    private let keys: JWKSStore?
    private let issuer: String?
    private let audience: String?
    private let skew: Int64
    private let maxTokenBytes: Int

    /// A verifier for `configuration`, taking RS256/ES256 keys from `keys`.
    public init(configuration: IdentityConfiguration, keys: JWKSStore?) {
        secret = configuration.hs256Secret
        self.keys = keys
        issuer = configuration.issuer
        audience = configuration.audience
        skew = configuration.clockSkewSeconds
        maxTokenBytes = configuration.maxTokenBytes
    }

    /// The claims of `token` if it is well formed, signed by an accepted key, and valid at `now`
    /// (seconds since the Unix epoch).
    public func verify(_ token: String, now: Int64) throws(JWTError) -> JWTClaims {
        try verify(Array(token.utf8), keySet: keys?.current, now: now)
    }

    /// `verify` against one snapshot of the key set (the cache records which one).
    func verify(_ token: [UInt8], keySet: JWKSet?, now: Int64) throws(JWTError) -> JWTClaims {
        guard token.count <= maxTokenBytes else { throw .tooLarge(bytes: token.count, limit: maxTokenBytes) }
        let parts = try CompactParts(token)
        let header = try JOSEHeader.parse(decode(token[parts.header], .header))
        // All three parts must be canonical base64url before any key is used; the payload's
        // JSON is read only once the signature holds.
        let payload = try decode(token[parts.payload], .payload)
        let signature = try decode(token[parts.signature], .signature)
        let signingInput = token[parts.signingInput]

        switch header.algorithm {
        case .hs256:
            try verifyHS256(header: header, keySet: keySet, signingInput: signingInput, signature: signature)
        case .rs256, .es256:
            try verifyPublicKey(header: header, keySet: keySet, signingInput: signingInput, signature: signature)
        }

        let claims = try JWTClaims.parse(payload)
        try check(claims, now: now)
        return claims
    }

    private func decode(_ segment: ArraySlice<UInt8>, _ name: JWTError.Segment) throws(JWTError) -> [UInt8] {
        do throws(Base64URLError) {
            return try Base64URL.decode(segment)
        } catch {
            throw .invalidBase64URL(name, error)
        }
    }

    private func verifyHS256(
        header: JOSEHeader,
        keySet: JWKSet?,
        signingInput: ArraySlice<UInt8>,
        signature: [UInt8]
    ) throws(JWTError) {
        // Algorithm confusion: a kid naming a JWKS public key marks a token forged with that
        // public key as the HMAC secret. Refuse it by name rather than as a bad MAC.
        if let keyID = header.keyID, let key = keySet?[keyID] {
            throw .keyAlgorithmMismatch(algorithm: .hs256, keyID: keyID, keyType: key.type)
        }
        guard let secret else { throw .sharedSecretNotConfigured }
        guard signature.count == HMACSHA256.byteCount else {
            throw .signatureLength(expected: HMACSHA256.byteCount, actual: signature.count)
        }
        let expected = HMACSHA256.authenticationCode(key: secret, message: signingInput)
        guard constantTimeEqual(expected, signature) else { throw .badSignature }
    }

    private func verifyPublicKey(
        header: JOSEHeader,
        keySet: JWKSet?,
        signingInput: ArraySlice<UInt8>,
        signature: [UInt8]
    ) throws(JWTError) {
        guard let keySet else { throw .keySetNotConfigured }
        guard let keyID = header.keyID else { throw .missingKeyID }
        guard let key = keySet[keyID] else { throw .unknownKeyID(keyID) }
        guard key.algorithm == header.algorithm else {
            throw .keyAlgorithmMismatch(algorithm: header.algorithm, keyID: keyID, keyType: key.type)
        }
        guard signature.count == key.signatureLength else {
            throw .signatureLength(expected: key.signatureLength, actual: signature.count)
        }
        switch key.verify(message: signingInput, signature: signature) {
        case .success(true): return
        case .success(false): throw .badSignature
        case .failure(let error): throw .crypto(error)
        }
    }

    /// Times with the skew, then issuer and audience.
    private func check(_ claims: JWTClaims, now: Int64) throws(JWTError) {
        // Saturating: a hostile exp near Int64.max must not overflow into the past.
        let (latest, overflow) = claims.expiresAt.addingReportingOverflow(skew)
        if !overflow, now >= latest { throw .expired(expiresAt: claims.expiresAt, now: now) }
        if let notBefore = claims.notBefore, notBefore > now &+ skew {
            throw .notYetValid(notBefore: notBefore, now: now)
        }
        if let issuedAt = claims.issuedAt, issuedAt > now &+ skew {
            throw .issuedInFuture(issuedAt: issuedAt, now: now)
        }
        if let issuer, claims.issuer != issuer { throw .wrongIssuer(claims.issuer) }
        if let audience, !claims.audience.contains(audience) { throw .wrongAudience }
    }
}

/// The index ranges of the three dot-separated parts of a compact JWS.
struct CompactParts {
    let header: Range<Int>
    let payload: Range<Int>
    let signature: Range<Int>
    /// `header.payload`: the bytes the signature covers (RFC 7515 §5.1).
    var signingInput: Range<Int> { header.lowerBound..<payload.upperBound }

    init(_ token: [UInt8]) throws(JWTError) {
        var dots: [Int] = []
        for (index, byte) in token.enumerated() where byte == UInt8(ascii: ".") {
            dots.append(index)
            // Five parts is JWE, which is never accepted here.
            guard dots.count <= 2 else { throw .malformed("more than three parts (an encrypted JWE is not accepted)") }
        }
        guard dots.count == 2 else { throw .malformed("expected three dot-separated parts") }
        header = 0..<dots[0]
        payload = (dots[0] + 1)..<dots[1]
        signature = (dots[1] + 1)..<token.count
        // An empty signature is left to the algorithm's length check, after `alg: none` is named.
        guard !header.isEmpty, !payload.isEmpty else { throw .malformed("empty header or payload") }
    }
}
