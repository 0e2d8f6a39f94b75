import Kit

/// The protected header of a compact JWS, reduced to what verification uses.
struct JOSEHeader: Equatable {
    let algorithm: JWSAlgorithm
    let keyID: String?

    /// `typ` values accepted, compared case-insensitively (RFC 7515 §4.1.9, RFC 9068 §2.1).
    private static let acceptedTypes: Set<String> = ["jwt", "at+jwt", "application/jwt", "application/at+jwt"]

    /// Reads `alg`, `kid` and `typ` from the decoded header JSON.
    ///
    /// `jku`, `x5u` and `jwk` are ignored on purpose: keys come only from configuration,
    /// never from the token that is being verified.
    static func parse(_ json: [UInt8]) throws(JWTError) -> JOSEHeader {
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONValue.parse(json, maxNesting: 4, finiteNumbersOnly: true)
        } catch {
            throw .invalidJSON(.header, error)
        }
        guard value.objectMembers != nil else { throw .malformed("header is not a JSON object") }
        let members = value
        if members["crit"] != nil { throw .unsupportedCriticalHeader }
        guard let algorithmValue = members["alg"] else { throw .missingAlgorithm }
        guard let algorithmName = algorithmValue.stringValue else {
            throw .invalidHeader(name: "alg", reason: "must be a string, not \(algorithmValue.typeName)")
        }
        if algorithmName.lowercased() == "none" { throw .algorithmNone }
        guard let algorithm = JWSAlgorithm(rawValue: algorithmName) else { throw .unsupportedAlgorithm(algorithmName) }
        if let type = members["typ"] {
            guard let text = type.stringValue else {
                throw .invalidHeader(name: "typ", reason: "must be a string, not \(type.typeName)")
            }
            guard acceptedTypes.contains(text.lowercased()) else {
                throw .invalidHeader(name: "typ", reason: "type \"\(text)\" is not a JWT")
            }
        }
        var keyID: String?
        if let kid = members["kid"] {
            guard let text = kid.stringValue else {
                throw .invalidHeader(name: "kid", reason: "must be a string, not \(kid.typeName)")
            }
            keyID = text
        }
        return JOSEHeader(algorithm: algorithm, keyID: keyID)
    }
}
