import Kit

/// The claims of a verified token that the gateway uses (RFC 7519 §4.1 plus `tenant`, `roles`).
public struct JWTClaims: Sendable, Equatable {
    /// `sub`: the caller's user id.
    public let subject: String
    /// `tenant`: the tenant the token was issued for.
    public let tenant: String
    /// `roles`: role names; empty when the claim is absent.
    public let roles: Set<String>
    /// `exp`, seconds since the Unix epoch (a fraction rounds down: the token ends sooner).
    public let expiresAt: Int64
    /// `nbf`, seconds since the Unix epoch (a fraction rounds up: the token starts later).
    public let notBefore: Int64?
    /// `iat`, seconds since the Unix epoch.
    public let issuedAt: Int64?
    /// `iss`.
    public let issuer: String?
    /// `aud`, a single string given as a one-element list.
    public let audience: [String]

    /// Reads the claims from the decoded payload JSON; checks types and shapes, not times.
    static func parse(_ json: [UInt8]) throws(JWTError) -> JWTClaims {
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONValue.parse(json, maxNesting: 8, finiteNumbersOnly: true)
        } catch {
            throw .invalidJSON(.payload, error)
        }
        guard value.objectMembers != nil else { throw .malformed("payload is not a JSON object") }
        let members = value

        guard let subject = try optionalString(members, "sub") else { throw .missingClaim("sub") }
        if let problem = IdentifierRules.subjectProblem(subject) { throw .invalidClaim(name: "sub", reason: problem) }
        guard let tenant = try optionalString(members, "tenant") else { throw .missingClaim("tenant") }
        if let problem = IdentifierRules.tenantProblem(tenant) { throw .invalidClaim(name: "tenant", reason: problem) }
        guard let expiresAt = try numericDate(members, "exp", roundUp: false) else { throw .missingClaim("exp") }

        return JWTClaims(
            subject: subject,
            tenant: tenant,
            roles: try roles(members["roles"]),
            expiresAt: expiresAt,
            notBefore: try numericDate(members, "nbf", roundUp: true),
            issuedAt: try numericDate(members, "iat", roundUp: false),
            issuer: try optionalString(members, "iss"),
            audience: try audience(members["aud"])
        )
    }

    private static func optionalString(_ members: JSONValue, _ name: String) throws(JWTError) -> String? {
        guard let value = members[name] else { return nil }
        guard let text = value.stringValue else {
            throw .invalidClaim(name: name, reason: "must be a string, not \(value.typeName)")
        }
        return text
    }

    /// A NumericDate (RFC 7519 §2): a JSON number of seconds, fractions allowed.
    private static func numericDate(_ members: JSONValue, _ name: String, roundUp: Bool) throws(JWTError) -> Int64? {
        switch members[name] {
        case nil:
            return nil
        case .number(let text)?:
            if let seconds = Int64(text) { return seconds }
            // Parsed with `finiteNumbersOnly`, so the text reads as a finite Double.
            guard let seconds = Double(text) else { throw .invalidClaim(name: name, reason: "is out of range") }
            let rounded = roundUp ? seconds.rounded(.up) : seconds.rounded(.down)
            // Past ±2^53 a Double is no longer a meaningful second count.
            guard abs(rounded) <= 9_007_199_254_740_992, let exact = Int64(exactly: rounded) else {
                throw .invalidClaim(name: name, reason: "is out of range")
            }
            return exact
        case let other?:
            throw .invalidClaim(name: name, reason: "must be a number of seconds, not \(other.typeName)")
        }
    }

    private static func roles(_ value: JSONValue?) throws(JWTError) -> Set<String> {
        guard let value else { return [] }
        guard case .array(let elements) = value else {
            throw .invalidClaim(name: "roles", reason: "must be an array of strings, not \(value.typeName)")
        }
        guard elements.count <= IdentifierRules.maxRoles else {
            throw .invalidClaim(name: "roles", reason: "lists more than \(IdentifierRules.maxRoles) roles")
        }
        var roles: Set<String> = []
        for element in elements {
            guard let role = element.stringValue else {
                throw .invalidClaim(name: "roles", reason: "must be an array of strings, found a \(element.typeName)")
            }
            if let problem = IdentifierRules.roleProblem(role) {
                throw .invalidClaim(name: "roles", reason: "role \(problem)")
            }
            roles.insert(role)
        }
        return roles
    }

    /// `aud`: one string or an array of strings (RFC 7519 §4.1.3).
    private static func audience(_ value: JSONValue?) throws(JWTError) -> [String] {
        switch value {
        case nil:
            return []
        case .string(let single)?:
            return [single]
        case .array(let elements)?:
            var audience: [String] = []
            for element in elements {
                guard let text = element.stringValue else {
                    throw .invalidClaim(name: "aud", reason: "must be a string or an array of strings")
                }
                audience.append(text)
            }
            return audience
        case let other?:
            throw .invalidClaim(name: "aud", reason: "must be a string or an array of strings, not \(other.typeName)")
        }
    }
}
