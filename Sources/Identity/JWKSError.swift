import Kit

/// Why a JWKS file could not be loaded; always names the file. On reload the previous
/// key set stays in force.
public struct JWKSError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The file could not be opened or read (the libc reason).
        case unreadable(String)
        case tooLarge(bytes: Int, limit: Int)
        case invalidJSON(JSONParseError)
        /// Valid JSON but not `{"keys":[…]}`.
        case notAKeySet(String)
        /// More keys than a verifier should hold.
        case tooManyKeys(count: Int, limit: Int)
        /// A key of a supported type whose members are malformed or unsafe.
        case invalidKey(index: Int, keyID: String?, reason: String)
        /// Two usable keys share a `kid`, so a token's key would be ambiguous.
        case duplicateKeyID(String)
        /// No key in the file can verify RS256 or ES256.
        case noUsableKeys
    }

    /// The file's path, as configured.
    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        let why = switch reason {
        case .unreadable(let cause): "cannot be read (\(cause))"
        case .tooLarge(let bytes, let limit): "is \(bytes) bytes, larger than the \(limit)-byte limit"
        case .invalidJSON(let error): "is not valid JSON: \(error)"
        case .notAKeySet(let why): "is not a JWK set: \(why)"
        case .tooManyKeys(let count, let limit): "holds \(count) keys, more than \(limit)"
        case .invalidKey(let index, let keyID, let why):
            "key #\(index)\(keyID.map { " (kid \"\($0)\")" } ?? ""): \(why)"
        case .duplicateKeyID(let keyID): "kid \"\(keyID)\" appears twice"
        case .noUsableKeys: "has no RS256 or ES256 signing key"
        }
        return "JWKS file \(path) \(why)"
    }
}
