import Kit

extension BudgetCatalog {
    /// The estimate of `operation`: for a mutation, each root field's cap
    /// (and tokens) × its `perItem` list length × its `@listSize` factor,
    /// scaled by its `@cost` weight (rounded up), summed over root fields.
    /// Queries and subscriptions estimate to zero (they are not debited).
    /// Every product is checked: a sum past `Int64` is refused, never wrapped.
    public func estimate(_ operation: OperationAnalysis) throws(AnalysisError) -> Estimate {
        guard operation.kind == .mutation else { return .zero }
        var totalMicros: Int64 = 0
        var totalTokens: Int64 = 0
        var perField: [FieldEstimate] = []
        perField.reserveCapacity(operation.rootFields.count)
        // Tags are gathered in an array and hashed into the set once, at the end.
        var tags: [String] = []
        for field in operation.rootFields {
            let estimate = try self.estimate(field)
            let (micros, o1) = totalMicros.addingReportingOverflow(estimate.micros)
            let (tokens, o2) = totalTokens.addingReportingOverflow(estimate.tokens)
            guard !o1, !o2 else { throw AnalysisError(.estimateOverflow(field: field.name)) }
            totalMicros = micros
            totalTokens = tokens
            for tag in estimate.riskTags where !tags.contains(tag) { tags.append(tag) }
            perField.append(estimate)
        }
        let riskTags = tags.isEmpty ? Set<String>() : Set(tags)
        return Estimate(totalMicros: totalMicros, totalTokens: totalTokens, perField: perField, riskTags: riskTags)
    }

    /// One mutation root field's estimate.
    public func estimate(_ field: RootField) throws(AnalysisError) -> FieldEstimate {
        guard let declaration = entries[field.name]?.declaration else {
            if undeclaredFields.contains(field.name) { throw AnalysisError(.budgetDeclarationMissing(field.name)) }
            throw AnalysisError(.unknownMutationField(field.name))
        }
        let items = declaration.perItem.map { Self.listLength(field.arguments[$0]) } ?? 1
        let listSize = try declaration.listSize.map { size throws(AnalysisError) in try Self.listSizeFactor(size, of: field) } ?? 1
        // Client-controlled sizes (a slicing argument can be any Int64) make every step checked.
        let (factor, overflow) = Int128(items).multipliedReportingOverflow(by: Int128(listSize))
        guard !overflow else { throw AnalysisError(.estimateOverflow(field: field.name)) }
        let weight = declaration.costWeightMillionths
        let micros = try Self.scaled(declaration.capMicros, by: factor, weight: weight, field: field.name)
        let tokens = try Self.scaled(declaration.tokens ?? 0, by: factor, weight: weight, field: field.name)
        return FieldEstimate(
            name: field.name, alias: field.alias, items: items, listSize: listSize, micros: micros, tokens: tokens,
            riskTags: declaration.riskTags
        )
    }

    /// The length GraphQL gives a list argument: a list's count, one for a
    /// single value (input coercion wraps it), none when absent or null.
    static func listLength(_ value: JSONValue?) -> Int64 {
        switch value {
        case .array(let elements)?: Int64(elements.count)
        case nil, .null?: 0
        default: 1
        }
    }

    /// The largest slicing argument sent, else the assumed size.
    static func listSizeFactor(_ size: ListSizeDeclaration, of field: RootField) throws(AnalysisError) -> Int64 {
        var largest: Int64?
        for name in size.slicingArguments {
            guard let value = field.arguments[name], !value.isNull else { continue }
            guard let count = value.int64Value, count >= 0 else {
                throw AnalysisError(.invalidArgument(field: field.name, argument: name, reason: "must be a non-negative integer"))
            }
            largest = max(largest ?? 0, count)
        }
        if let largest { return largest }
        if let assumed = size.assumedSize { return assumed }
        let name = size.slicingArguments.first ?? "first"
        throw AnalysisError(.invalidArgument(field: field.name, argument: name, reason: "is required: @listSize declares no assumedSize"))
    }

    /// `base` × `factor` × `weight` / 1,000,000 rounded up (estimates err high), as `Int64`.
    static func scaled(_ base: Int64, by factor: Int128, weight: Int64?, field: String) throws(AnalysisError) -> Int64 {
        var (value, overflow) = Int128(base).multipliedReportingOverflow(by: factor)
        if let weight, !overflow {
            let product: Int128
            (product, overflow) = value.multipliedReportingOverflow(by: Int128(weight))
            // Ceiling division of a non-negative product (weights and amounts are never negative).
            let scale = Int128(DecimalText.scale)
            value = product / scale + (product % scale == 0 ? 0 : 1)
        }
        guard !overflow, let result = Int64(exactly: value) else { throw AnalysisError(.estimateOverflow(field: field)) }
        return result
    }
}
