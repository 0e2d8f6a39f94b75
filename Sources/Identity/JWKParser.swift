import Crypto
import Kit

/// Turns one JWK (RFC 7517 §4, RFC 7518 §6) into a `VerificationKey`, or says why it is
/// skipped or invalid.
///
/// A key the gateway does not use (encryption keys, other curves, `oct` secrets, other
/// algorithms, weak RSA) is skipped, so an identity provider's shared JWKS still loads.
/// A key of a usable type with malformed members, or with private members, fails the file.
enum JWKParser {
    static let minimumRSABits = 2048
    /// Larger moduli make each verification slower for no gain; a hostile JWKS should not set our cost.
    static let maximumRSABits = 8192
    /// 65537 is three bytes; a long exponent only slows verification.
    static let maximumExponentBytes = 8
    /// Members that only a private key has (RFC 7518 §6.2.2, §6.3.2).
    private static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    enum Outcome {
        case key(VerificationKey)
        case skipped(JWKSet.SkippedKey)
    }

    /// A failed key: the reason, attached to the key's index and kid by the caller.
    struct Invalid: Error {
        let keyID: String?
        let reason: String
    }

    static func parse(_ members: JSONValue) throws(Invalid) -> Outcome {
        let keyID = members["kid"]?.stringValue
        func skip(_ reason: String) -> Outcome { .skipped(JWKSet.SkippedKey(keyID: keyID, reason: reason)) }

        guard let type = members["kty"]?.stringValue else { throw Invalid(keyID: keyID, reason: "no \"kty\"") }
        if let use = members["use"] {
            guard let text = use.stringValue else { throw Invalid(keyID: keyID, reason: "\"use\" is not a string") }
            if text != "sig" { return skip("use \"\(text)\" is not \"sig\"") }
        }
        if let operations = members["key_ops"] {
            guard case .array(let list) = operations else { throw Invalid(keyID: keyID, reason: "\"key_ops\" is not an array") }
            if !list.contains(.string("verify")) { return skip("key_ops does not include \"verify\"") }
        }
        switch type {
        case "RSA", "EC":
            break
        case "oct":
            // HS256 uses only the configured secret; a JWKS entry is never an HMAC key.
            return skip("symmetric (oct) keys are never taken from a JWKS")
        default:
            return skip("key type \"\(type)\" is not supported")
        }
        if let algorithm = members["alg"] {
            guard let name = algorithm.stringValue else { throw Invalid(keyID: keyID, reason: "\"alg\" is not a string") }
            let expected = type == "RSA" ? JWSAlgorithm.rs256.rawValue : JWSAlgorithm.es256.rawValue
            if name != expected { return skip("alg \"\(name)\" is not supported for \(type) keys") }
        }
        if let privateMember = privateMembers.first(where: { members[$0] != nil }) {
            throw Invalid(keyID: keyID, reason: "holds private key member \"\(privateMember)\"; a JWKS for verification must hold public keys only")
        }
        guard let keyID else {
            if members["kid"] != nil { throw Invalid(keyID: nil, reason: "\"kid\" is not a string") }
            return skip("no \"kid\"; keys are chosen by kid")
        }
        guard !keyID.isEmpty, keyID.utf8.count <= 256 else {
            throw Invalid(keyID: keyID, reason: "\"kid\" must be 1 to 256 bytes")
        }
        return type == "RSA" ? try rsaKey(members, keyID: keyID) : try ecKey(members, keyID: keyID)
    }

    private static func rsaKey(_ members: JSONValue, keyID: String) throws(Invalid) -> Outcome {
        let modulus = try bytes(members, "n", keyID: keyID)
        let exponent = try bytes(members, "e", keyID: keyID)
        let significant = Array(modulus.drop { $0 == 0 })
        let bits = significant.isEmpty ? 0 : significant.count * 8 - significant[0].leadingZeroBitCount
        if bits < minimumRSABits {
            return .skipped(JWKSet.SkippedKey(keyID: keyID, reason: "RSA modulus of \(bits) bits is below \(minimumRSABits)"))
        }
        if bits > maximumRSABits {
            return .skipped(JWKSet.SkippedKey(keyID: keyID, reason: "RSA modulus of \(bits) bits is above \(maximumRSABits)"))
        }
        guard exponent.count <= maximumExponentBytes else {
            throw Invalid(keyID: keyID, reason: "RSA exponent longer than \(maximumExponentBytes) bytes")
        }
        switch PublicKey.rsa(modulus: significant, exponent: exponent) {
        case .success(let key):
            return .key(VerificationKey(keyID: keyID, type: .rsa, key: key))
        case .failure(let error):
            throw Invalid(keyID: keyID, reason: "not a valid RSA public key (\(error))")
        }
    }

    private static func ecKey(_ members: JSONValue, keyID: String) throws(Invalid) -> Outcome {
        guard let curve = members["crv"]?.stringValue else { throw Invalid(keyID: keyID, reason: "EC key without \"crv\"") }
        guard curve == "P-256" else {
            return .skipped(JWKSet.SkippedKey(keyID: keyID, reason: "curve \"\(curve)\" is not supported (P-256 is)"))
        }
        let x = try bytes(members, "x", keyID: keyID)
        let y = try bytes(members, "y", keyID: keyID)
        // RFC 7518 §6.2.1.2: coordinates are the full field size, leading zeros kept.
        guard x.count == 32, y.count == 32 else {
            throw Invalid(keyID: keyID, reason: "P-256 coordinates must be 32 bytes each (x \(x.count), y \(y.count))")
        }
        switch PublicKey.p256(x: x, y: y) {
        case .success(let key):
            return .key(VerificationKey(keyID: keyID, type: .ecP256, key: key))
        case .failure(let error):
            throw Invalid(keyID: keyID, reason: "not a valid P-256 public key (\(error))")
        }
    }

    private static func bytes(_ members: JSONValue, _ name: String, keyID: String) throws(Invalid) -> [UInt8] {
        guard let text = members[name]?.stringValue else {
            throw Invalid(keyID: keyID, reason: "no string member \"\(name)\"")
        }
        let decoded: [UInt8]
        do throws(Base64URLError) {
            decoded = try Base64URL.decode(text.utf8)
        } catch {
            throw Invalid(keyID: keyID, reason: "\"\(name)\": \(error)")
        }
        guard !decoded.isEmpty else { throw Invalid(keyID: keyID, reason: "\"\(name)\" is empty") }
        return decoded
    }
}
