import Foundation
import Identity

/// Key pairs generated once per test run with the `openssl` CLI, and a JWKS file for them.
struct TestKeys: Sendable {
    /// A signing key: private PEM path for `openssl dgst -sign`, public JWK members.
    struct KeyPair: Sendable {
        let keyID: String
        let privateKeyPath: String
        let publicKeyPEM: [UInt8]
        let jwk: String
    }

    let directory: String
    let rsa: KeyPair
    /// A second RSA key in the JWKS, for rotation and wrong-key tests.
    let rsaRotated: KeyPair
    let ec: KeyPair
    /// An RSA key that is NOT in the JWKS (its signatures must not verify under `rsa`'s kid).
    let rsaOutsider: KeyPair
    let jwksPath: String

    /// Generated on first use; every test shares them (RSA key generation is slow).
    static let shared: Result<TestKeys, any Error> = Result { try TestKeys() }

    static func get() throws -> TestKeys {
        try shared.get()
    }

    /// Removes the key directory when the test process exits (swift-testing has no global teardown).
    private static func removeDirectoryAtExit() {
        atexit {
            if case .success(let keys) = TestKeys.shared {
                try? FileManager.default.removeItem(atPath: keys.directory)
            }
        }
    }

    private init() throws {
        directory = NSTemporaryDirectory() + "safemut-identity-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        Self.removeDirectoryAtExit()
        rsa = try Self.rsaKey(named: "rsa-1", in: directory)
        rsaRotated = try Self.rsaKey(named: "rsa-2", in: directory)
        rsaOutsider = try Self.rsaKey(named: "rsa-outsider", in: directory)
        ec = try Self.ecKey(named: "ec-1", in: directory)
        jwksPath = directory + "/jwks.json"
        try Self.writeJWKS([rsa, rsaRotated, ec], to: jwksPath)
    }

    /// Writes `{"keys":[…]}` with the given keys' public JWKs.
    static func writeJWKS(_ keys: [KeyPair], to path: String) throws {
        try write(#"{"keys":[\#(keys.map(\.jwk).joined(separator: ","))]}"#, to: path)
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A fresh path in the shared temporary directory.
    func path(_ name: String) -> String {
        directory + "/" + name + "-" + UUID().uuidString
    }

    private static func rsaKey(named name: String, in directory: String) throws -> KeyPair {
        let keyPath = directory + "/\(name).pem"
        try OpenSSLTool.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPath])
        let publicPEM = try OpenSSLTool.run(["pkey", "-in", keyPath, "-pubout"])
        let modulusLine = String(decoding: try OpenSSLTool.run(["rsa", "-in", keyPath, "-noout", "-modulus"]), as: UTF8.self)
        guard let hex = modulusLine.split(separator: "=").last?.trimmingCharacters(in: .whitespacesAndNewlines),
              let modulus = hexBytes(hex)
        else { throw OpenSSLTool.Failure(arguments: ["rsa", "-modulus"], status: 0, standardError: "unreadable modulus") }
        // genpkey's default public exponent is 65537 (AQAB).
        let jwk = #"{"kty":"RSA","use":"sig","alg":"RS256","kid":"\#(name)","n":"\#(Base64URL.encode(modulus))","e":"AQAB"}"#
        return KeyPair(keyID: name, privateKeyPath: keyPath, publicKeyPEM: publicPEM, jwk: jwk)
    }

    private static func ecKey(named name: String, in directory: String) throws -> KeyPair {
        let keyPath = directory + "/\(name).pem"
        try OpenSSLTool.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyPath])
        let publicPEM = try OpenSSLTool.run(["pkey", "-in", keyPath, "-pubout"])
        // A P-256 SubjectPublicKeyInfo ends with the uncompressed point 04 || x || y.
        let der = try OpenSSLTool.run(["pkey", "-in", keyPath, "-pubout", "-outform", "DER"])
        let point = der.suffix(65)
        guard point.first == 0x04 else {
            throw OpenSSLTool.Failure(arguments: ["pkey", "-outform", "DER"], status: 0, standardError: "no uncompressed point")
        }
        let x = Base64URL.encode(point.dropFirst().prefix(32))
        let y = Base64URL.encode(point.suffix(32))
        let jwk = #"{"kty":"EC","use":"sig","crv":"P-256","kid":"\#(name)","x":"\#(x)","y":"\#(y)"}"#
        return KeyPair(keyID: name, privateKeyPath: keyPath, publicKeyPEM: publicPEM, jwk: jwk)
    }

    static func hexBytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
