import Kit
import Synchronization

/// An immutable set of verification keys read from one JWKS file (RFC 7517 §5), by `kid`.
public struct JWKSet: Sendable {
    /// A key in the file that the gateway does not use, and why (log these after a load).
    public struct SkippedKey: Sendable, Equatable {
        public let keyID: String?
        public let reason: String
    }

    /// A JWKS file larger than this is refused unread.
    public static let maximumFileBytes = 1 << 20
    /// More keys than this is a misconfiguration, not a key rotation.
    public static let maximumKeys = 256

    /// Usable keys by `kid`.
    public let keys: [String: VerificationKey]
    /// Keys present in the file but not usable here.
    public let skipped: [SkippedKey]
    /// Where the set came from (a path, or a label for sets built in memory).
    public let source: String
    /// Distinct for every set ever built, so a verified-token cache can tell a reload happened.
    let generation: UInt64

    private static let generations = Atomic<UInt64>(0)

    /// An empty set: every RS256/ES256 token then fails with an unknown `kid`.
    public static func empty(source: String = "(none)") -> JWKSet {
        JWKSet(keys: [:], skipped: [], source: source)
    }

    private init(keys: [String: VerificationKey], skipped: [SkippedKey], source: String) {
        self.keys = keys
        self.skipped = skipped
        self.source = source
        self.generation = Self.generations.add(1, ordering: .relaxed).newValue
    }

    /// The key with this `kid`, if any.
    public subscript(keyID: String) -> VerificationKey? {
        keys[keyID]
    }

    /// Reads and parses the JWKS file at `path`.
    public static func load(path: String) throws(JWKSError) -> JWKSet {
        switch SystemCalls.readFile(path: path, limit: maximumFileBytes) {
        case .failure(let error):
            throw JWKSError(path: path, reason: .unreadable(error.description))
        case .success(.tooLarge(let size)):
            throw JWKSError(path: path, reason: .tooLarge(bytes: size, limit: maximumFileBytes))
        case .success(.bytes(let bytes)):
            return try parse(bytes, source: path)
        }
    }

    /// Parses JWKS JSON; `source` names the file in errors.
    public static func parse(_ bytes: [UInt8], source: String) throws(JWKSError) -> JWKSet {
        func failure(_ reason: JWKSError.Reason) -> JWKSError { JWKSError(path: source, reason: reason) }
        guard bytes.count <= maximumFileBytes else {
            throw failure(.tooLarge(bytes: bytes.count, limit: maximumFileBytes))
        }
        let document: JSONValue
        do throws(JSONParseError) {
            document = try JSONValue.parse(bytes, maxNesting: 8, finiteNumbersOnly: true)
        } catch {
            throw failure(.invalidJSON(error))
        }
        guard document.objectMembers != nil else {
            throw failure(.notAKeySet("the top level is a JSON \(document.typeName), not an object"))
        }
        guard case .array(let entries)? = document["keys"] else {
            throw failure(.notAKeySet("no \"keys\" array"))
        }
        guard entries.count <= maximumKeys else {
            throw failure(.tooManyKeys(count: entries.count, limit: maximumKeys))
        }
        var keys: [String: VerificationKey] = [:]
        var skipped: [SkippedKey] = []
        for (index, entry) in entries.enumerated() {
            guard entry.objectMembers != nil else {
                throw failure(.invalidKey(index: index, keyID: nil, reason: "is a JSON \(entry.typeName), not an object"))
            }
            let outcome: JWKParser.Outcome
            do throws(JWKParser.Invalid) {
                outcome = try JWKParser.parse(entry)
            } catch {
                throw failure(.invalidKey(index: index, keyID: error.keyID, reason: error.reason))
            }
            switch outcome {
            case .key(let key):
                guard keys.updateValue(key, forKey: key.keyID) == nil else { throw failure(.duplicateKeyID(key.keyID)) }
            case .skipped(let skip):
                skipped.append(skip)
            }
        }
        guard !keys.isEmpty else { throw failure(.noUsableKeys) }
        return JWKSet(keys: keys, skipped: skipped, source: source)
    }
}
