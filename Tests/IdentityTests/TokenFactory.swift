import Foundation
import Crypto
import Identity

/// Builds compact JWS tokens for tests: real signatures from the `openssl` CLI (RS256,
/// ES256) or from Crypto's HMAC (HS256), and deliberately broken variants.
enum TokenFactory {
    /// A fixed "now" for every test: 2027-01-15T08:00:00Z.
    static let now: Int64 = 1_800_000_000
    static let secret = Array("an HS256 test secret of at least 32 bytes!".utf8)
    static let issuer = "https://idp.example.test"
    static let audience = "safemut"

    /// Claims JSON with sensible defaults; pass `nil` for a member to leave it out.
    static func claims(
        sub: String? = "alice",
        tenant: String? = "demo",
        roles: [String]? = ["analyst"],
        exp: Int64? = now + 600,
        nbf: Int64? = now - 10,
        iat: Int64? = now - 10,
        iss: String? = issuer,
        aud: String? = #""safemut""#,
        extra: String? = nil
    ) -> String {
        var members: [String] = []
        if let sub { members.append(#""sub":\#(quote(sub))"#) }
        if let tenant { members.append(#""tenant":\#(quote(tenant))"#) }
        if let roles { members.append(#""roles":[\#(roles.map(quote).joined(separator: ","))]"#) }
        if let exp { members.append(#""exp":\#(exp)"#) }
        if let nbf { members.append(#""nbf":\#(nbf)"#) }
        if let iat { members.append(#""iat":\#(iat)"#) }
        if let iss { members.append(#""iss":\#(quote(iss))"#) }
        if let aud { members.append(#""aud":\#(aud)"#) }
        if let extra { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func header(alg: String, kid: String? = nil, typ: String? = "JWT") -> String {
        var members = [#""alg":\#(quote(alg))"#]
        if let kid { members.append(#""kid":\#(quote(kid))"#) }
        if let typ { members.append(#""typ":\#(quote(typ))"#) }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// `base64url(header).base64url(payload)`.
    static func signingInput(header: String, payload: String) -> String {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
    }

    static func hs256(_ payload: String = claims(), key: [UInt8] = secret, kid: String? = nil) -> String {
        let input = signingInput(header: header(alg: "HS256", kid: kid), payload: payload)
        let mac = HMACSHA256.authenticationCode(key: key, message: Array(input.utf8))
        return input + "." + Base64URL.encode(mac)
    }

    static func rs256(_ payload: String = claims(), key: TestKeys.KeyPair, kid: String? = nil) throws -> String {
        let input = signingInput(header: header(alg: "RS256", kid: kid ?? key.keyID), payload: payload)
        let signature = try OpenSSLTool.run(["dgst", "-sha256", "-sign", key.privateKeyPath], input: Array(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }

    static func es256(_ payload: String = claims(), key: TestKeys.KeyPair, kid: String? = nil) throws -> String {
        let input = signingInput(header: header(alg: "ES256", kid: kid ?? key.keyID), payload: payload)
        let der = try OpenSSLTool.run(["dgst", "-sha256", "-sign", key.privateKeyPath], input: Array(input.utf8))
        return input + "." + Base64URL.encode(try rawECDSASignature(der))
    }

    /// A token with arbitrary header and signature bytes (for malformed-token tests).
    static func assemble(header: String, payload: String = claims(), signature: [UInt8]) -> String {
        signingInput(header: header, payload: payload) + "." + Base64URL.encode(signature)
    }

    /// DER `SEQUENCE { INTEGER r, INTEGER s }` → 64-byte `r || s` (RFC 7518 §3.4).
    static func rawECDSASignature(_ der: [UInt8]) throws -> [UInt8] {
        struct BadDER: Error {}
        var index = 0
        func read() throws -> UInt8 {
            guard index < der.count else { throw BadDER() }
            defer { index += 1 }
            return der[index]
        }
        guard try read() == 0x30 else { throw BadDER() }
        _ = try read()
        var raw: [UInt8] = []
        for _ in 0..<2 {
            guard try read() == 0x02 else { throw BadDER() }
            let length = Int(try read())
            guard index + length <= der.count else { throw BadDER() }
            let integer = der[index..<index + length].drop { $0 == 0 }
            index += length
            guard integer.count <= 32 else { throw BadDER() }
            raw += [UInt8](repeating: 0, count: 32 - integer.count) + integer
        }
        return raw
    }

    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
