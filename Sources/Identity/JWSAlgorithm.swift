/// The JWS algorithms the gateway accepts (RFC 7518 §3.1). Anything else, `none`
/// included, is refused before a key is looked at.
public enum JWSAlgorithm: String, Sendable, Equatable, CaseIterable {
    /// HMAC-SHA-256 with the shared secret from configuration (never a JWKS key).
    case hs256 = "HS256"
    /// RSASSA-PKCS1-v1_5 with SHA-256, RSA keys from the JWKS file.
    case rs256 = "RS256"
    /// ECDSA P-256 with SHA-256, EC keys from the JWKS file.
    case es256 = "ES256"
}
