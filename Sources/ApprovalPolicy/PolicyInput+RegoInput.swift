import Kit

/// The Rego input document (policies/approval.rego's header lists its fields), both ways:
/// what the OPA client sends, and what the conformance table holds.
extension PolicyInput {
    /// The Rego input for this operation. Money goes out twice: `est_usd_micros` (the
    /// integer the rules compare) and `est_usd` (exact decimal text with six places, for
    /// rules written against the seeds' input, like the rollback plan's relaxed rule).
    ///
    /// `risk_tag` (singular) repeats the riskiest tag for rules written against the seeds'
    /// one-tag input: the rollback plan's `not input.risk_tag in high_risk_tags` would
    /// relax a high-risk operation if `risk_tag` were absent. Our policy reads both fields
    /// as one set, so the repeat changes nothing there.
    public var regoInput: JSONValue {
        var members = [
            JSONMember("tenant", .string(tenant)),
            JSONMember("requester", .string(requester)),
            JSONMember("est_usd", .number(DecimalText.format(millionths: estimateMicros))),
            JSONMember("est_usd_micros", .number(String(estimateMicros))),
            JSONMember("tokens", .number(String(tokens))),
            JSONMember("risk_tags", .array(riskTags.map(JSONValue.string))),
            JSONMember("target_tenants", .array(targetTenants.map(JSONValue.string))),
            JSONMember("emergency_override", .bool(emergencyOverride)),
        ]
        if let tag = riskTags.first(where: PolicyConstants.highRiskTags.contains) ?? riskTags.first {
            members.append(JSONMember("risk_tag", .string(tag)))
        }
        return .object(members)
    }

    /// The body of OPA's data API request: `{"input": …}`.
    public var opaRequestBody: [UInt8] {
        Array(JSONValue.object([JSONMember("input", regoInput)]).serialized.utf8)
    }

    /// Reads a Rego input document. `tenant` and `requester` are required; the rest default
    /// to zero, empty or false. The estimate comes from `est_usd_micros` when present (as
    /// in the Rego), else from `est_usd` read exactly (no `Double`); the seeds' singular
    /// `risk_tag` joins `risk_tags`.
    public init(regoInput value: JSONValue) throws(PolicyInputError) {
        guard value.objectMembers != nil else { throw .notAnObject("input") }
        let tenant = try Self.string(value, "tenant")
        let requester = try Self.string(value, "requester")
        let estimate: Int64
        if let micros = value["est_usd_micros"] {
            guard let exact = micros.int64Value else { throw .wrongType(field: "est_usd_micros", expected: "an integer") }
            estimate = exact
        } else if let dollars = value["est_usd"] {
            guard case .number(let text) = dollars else { throw .wrongType(field: "est_usd", expected: "a number") }
            guard case .success(let micros) = DecimalText.millionths(text) else { throw .invalidAmount(field: "est_usd") }
            estimate = micros
        } else {
            estimate = 0
        }
        guard estimate >= 0 else { throw .negative("est_usd") }
        var tokens: Int64 = 0
        if let count = value["tokens"] {
            guard let exact = count.int64Value else { throw .wrongType(field: "tokens", expected: "an integer") }
            guard exact >= 0 else { throw .negative("tokens") }
            tokens = exact
        }
        var tags = try Self.strings(value, "risk_tags")
        if let single = value["risk_tag"] {
            guard let tag = single.stringValue else { throw .wrongType(field: "risk_tag", expected: "a string") }
            if !tags.contains(tag) { tags.append(tag) }
        }
        var override = false
        if let flag = value["emergency_override"] {
            guard case .bool(let on) = flag else { throw .wrongType(field: "emergency_override", expected: "true or false") }
            override = on
        }
        self.init(
            tenant: tenant,
            requester: requester,
            estimateMicros: estimate,
            tokens: tokens,
            riskTags: tags,
            targetTenants: try Self.strings(value, "target_tenants"),
            emergencyOverride: override
        )
    }

    /// `12_500_000` → `"12.500000"`: the amount as an exact JSON number.

    static func string(_ object: JSONValue, _ field: String) throws(PolicyInputError) -> String {
        guard let member = object[field] else { throw .missing(field) }
        guard let text = member.stringValue else { throw .wrongType(field: field, expected: "a string") }
        return text
    }

    /// An optional array of strings (absent → empty).
    static func strings(_ object: JSONValue, _ field: String) throws(PolicyInputError) -> [String] {
        guard let member = object[field] else { return [] }
        guard let elements = member.arrayValue else { throw .wrongType(field: field, expected: "an array of strings") }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let text = element.stringValue else { throw .wrongType(field: field, expected: "an array of strings") }
            result.append(text)
        }
        return result
    }
}

extension Approver {
    /// The Rego shape of an approver: `{"id", "roles", "tenant"}`.
    public var regoInput: JSONValue {
        var members = [JSONMember("id", .string(id)), JSONMember("roles", .array(roles.map(JSONValue.string)))]
        if let tenant { members.append(JSONMember("tenant", .string(tenant))) }
        return .object(members)
    }

    /// Reads `{"id", "roles", "tenant"}`; `id` is required, `roles` defaults to none,
    /// `tenant` to unknown.
    public init(regoInput value: JSONValue) throws(PolicyInputError) {
        guard value.objectMembers != nil else { throw .notAnObject("approver") }
        let id = try PolicyInput.string(value, "id")
        let roles = try PolicyInput.strings(value, "roles")
        var tenant: String?
        if let member = value["tenant"], !member.isNull {
            guard let text = member.stringValue else { throw .wrongType(field: "tenant", expected: "a string") }
            tenant = text
        }
        self.init(id: id, roles: roles, tenant: tenant)
    }
}
