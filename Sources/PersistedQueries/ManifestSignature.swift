import Crypto

/// A detached manifest signature.
///
/// **File format:** the signature bytes as hexadecimal text (either case) on one line;
/// leading and trailing whitespace, including the final newline, is ignored. 64 hex
/// characters for HMAC-SHA-256, 128 for Ed25519. The signature covers the manifest file's
/// exact bytes. To produce one with the `openssl` CLI:
///
///     # HMAC-SHA256 with the shared secret in the file pq.hmac_key_file names
///     openssl dgst -sha256 -hmac "$(cat hmac.key)" -binary manifest.json | od -An -v -tx1 | tr -d ' \n' > manifest.json.sig
///     # Ed25519 with a private key from `openssl genpkey -algorithm ed25519`
///     openssl pkeyutl -sign -rawin -inkey signing.pem -in manifest.json | od -An -v -tx1 | tr -d ' \n' > manifest.json.sig
public struct ManifestSignature: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Reads a signature file (see the type's documentation for the format).
    public static func parse(fileContents: some Collection<UInt8>) throws(SignatureError) -> ManifestSignature {
        let text = trimmedASCIIWhitespace(String(decoding: Array(fileContents), as: UTF8.self))
        guard !text.isEmpty else { throw .malformedSignature(reason: "the signature file is empty") }
        guard let bytes = Hex.decode(text) else {
            throw .malformedSignature(reason: "expected hexadecimal text (\(text.utf8.count) characters read)")
        }
        guard bytes.count == HMACSHA256.byteCount || bytes.count == Ed25519.signatureLength else {
            throw .malformedSignature(
                reason: "\(bytes.count) bytes; HMAC-SHA256 signatures are \(HMACSHA256.byteCount), Ed25519 \(Ed25519.signatureLength)")
        }
        return ManifestSignature(bytes: bytes)
    }

    /// Succeeds when any of `keys` verifies this signature over `message`.
    public func verify(_ message: [UInt8], keys: [ManifestVerificationKey]) throws(SignatureError) {
        guard !keys.isEmpty else { throw .noKeyConfigured }
        for key in keys where try key.verifies(bytes, over: message) {
            return
        }
        throw .mismatch
    }
}

/// `text` without leading and trailing spaces, tabs and line breaks.
private func trimmedASCIIWhitespace(_ text: String) -> String {
    let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isSpace($0) }),
          let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
    return String(scalars[first...last])
}
