import Crypto

import Kit

/// Why a bearer token was refused. Every case maps to `UNAUTHENTICATED`.
public enum JWTError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The three parts of a compact JWS.
    public enum Segment: String, Sendable, Equatable {
        case header, payload, signature
    }

    /// Longer than `IdentityConfiguration.maxTokenBytes`; refused before any decoding.
    case tooLarge(bytes: Int, limit: Int)
    /// Not `header.payload.signature` with three non-empty parts.
    case malformed(String)
    case invalidBase64URL(Segment, Base64URLError)
    case invalidJSON(Segment, JSONParseError)
    /// A header member that is present but unusable (wrong type, unsupported value).
    case invalidHeader(name: String, reason: String)
    /// `alg` is absent.
    case missingAlgorithm
    /// `alg: none` (any case): an unsigned token is never accepted.
    case algorithmNone
    /// An `alg` other than HS256, RS256 or ES256.
    case unsupportedAlgorithm(String)
    /// The header lists `crit` extensions, which this verifier does not implement (RFC 7515 §4.1.11).
    case unsupportedCriticalHeader
    /// HS256 token but no shared secret is configured.
    case sharedSecretNotConfigured
    /// RS256/ES256 token but no JWKS file is configured.
    case keySetNotConfigured
    /// RS256/ES256 token without `kid`; keys are chosen by `kid` only.
    case missingKeyID
    /// No key in the current JWKS has this `kid`.
    case unknownKeyID(String)
    /// The `kid` names a key of another type than `alg` needs (algorithm confusion,
    /// e.g. HS256 "signed" with an RSA public key).
    case keyAlgorithmMismatch(algorithm: JWSAlgorithm, keyID: String, keyType: VerificationKey.KeyType)
    /// The signature is not the exact length the algorithm and key produce.
    case signatureLength(expected: Int, actual: Int)
    /// The signature does not verify.
    case badSignature
    /// OpenSSL failed while verifying (not a bad signature: an internal error).
    case crypto(CryptoError)
    /// `exp` plus the allowed skew is not after now.
    case expired(expiresAt: Int64, now: Int64)
    /// `nbf` minus the allowed skew is after now.
    case notYetValid(notBefore: Int64, now: Int64)
    /// `iat` minus the allowed skew is after now.
    case issuedInFuture(issuedAt: Int64, now: Int64)
    /// `iss` absent or not the configured issuer.
    case wrongIssuer(String?)
    /// `aud` absent or does not contain the configured audience.
    case wrongAudience
    /// A required claim (`exp`, `sub`, `tenant`) is absent.
    case missingClaim(String)
    /// A claim of the wrong type or outside its allowed form.
    case invalidClaim(name: String, reason: String)

    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): "token of \(bytes) bytes exceeds the \(limit)-byte limit"
        case .malformed(let why): "malformed token: \(why)"
        case .invalidBase64URL(let segment, let error): "token \(segment.rawValue): \(error)"
        case .invalidJSON(let segment, let error): "token \(segment.rawValue) is not valid JSON: \(error)"
        case .invalidHeader(let name, let reason): "token header \"\(name)\": \(reason)"
        case .missingAlgorithm: "token header has no \"alg\""
        case .algorithmNone: "unsigned tokens (alg \"none\") are not accepted"
        case .unsupportedAlgorithm(let name): "algorithm \"\(name)\" is not accepted (HS256, RS256, ES256 are)"
        case .unsupportedCriticalHeader: "token header lists critical extensions (\"crit\") that are not supported"
        case .sharedSecretNotConfigured: "HS256 tokens are not accepted (no shared secret configured)"
        case .keySetNotConfigured: "RS256/ES256 tokens are not accepted (no JWKS configured)"
        case .missingKeyID: "token header has no \"kid\""
        case .unknownKeyID(let keyID): "no key with kid \"\(keyID)\""
        case .keyAlgorithmMismatch(let algorithm, let keyID, let keyType):
            "key \"\(keyID)\" is an \(keyType.rawValue) key and cannot verify \(algorithm.rawValue)"
        case .signatureLength(let expected, let actual): "signature is \(actual) bytes, expected \(expected)"
        case .badSignature: "signature does not verify"
        case .crypto(let error): "signature check failed: \(error)"
        case .expired: "token has expired"
        case .notYetValid: "token is not valid yet"
        case .issuedInFuture: "token was issued in the future"
        case .wrongIssuer: "token issuer is not accepted"
        case .wrongAudience: "token audience is not accepted"
        case .missingClaim(let name): "token has no \"\(name)\" claim"
        case .invalidClaim(let name, let reason): "token claim \"\(name)\": \(reason)"
        }
    }
}
