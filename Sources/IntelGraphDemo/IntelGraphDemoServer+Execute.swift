import GraphQL

extension IntelGraphDemoServer {
    /// Parses, validates and executes one GraphQL request, and wraps the
    /// result with `extensions.cost` (and, for a mutation,
    /// `extensions.compensation`). GraphQL errors are 200s, as
    /// GraphQL-over-HTTP asks for `application/json` responses.
    func execute(
        _ parameters: GraphQLParameters, viaGET: Bool, tenant: String, hooks: TestHooks, answeredTenant: String? = nil
    ) async -> DemoResponse {
        let entry: DocumentCache.Entry
        do {
            entry = try documents.entry(for: parameters.query) {
                guard !DocumentNesting.exceedsLimit(parameters.query) else {
                    throw GraphQLError(message: "document nests deeper than \(DocumentNesting.limit) levels")
                }
                let document = try parse(source: Source(body: parameters.query, name: "GraphQL request"))
                let problems = validate(schema: schema.schema, ast: document)
                return DocumentCache.Entry(document: document, problems: problems)
            }
        } catch {
            return graphQLResponse(
                errors: [Self.graphQLError(error)], data: nil, context: nil, isMutation: false, hooks: hooks
            )
        }
        let document = entry.document
        let candidates = Self.candidateOperations(in: document, named: parameters.operationName)
        let isMutation = candidates.contains { $0.operation == .mutation }
        if viaGET, isMutation {
            // GraphQL-over-HTTP: GET must not change state.
            return .error(405, "mutations must be sent with POST", extraHeaders: [("Allow", "POST")])
        }
        guard entry.problems.isEmpty else {
            return graphQLResponse(
                errors: entry.problems, data: nil, context: nil, isMutation: isMutation, hooks: hooks
            )
        }
        let context = RequestContext(tenant: tenant, clock: configuration.clock)
        let result: GraphQLResult
        do {
            result = try await GraphQL.execute(
                schema: schema.schema,
                documentAST: document,
                rootValue: (),
                context: context,
                variableValues: parameters.variables,
                operationName: parameters.operationName
            )
        } catch {
            result = GraphQLResult(errors: [Self.graphQLError(error)])
        }
        return graphQLResponse(
            errors: result.errors, data: result.data, context: context, isMutation: isMutation, hooks: hooks,
            answeredTenant: answeredTenant
        )
    }

    /// `{"errors"?, "data"?, "extensions": {"cost", "compensation"?}}`.
    private func graphQLResponse(
        errors: [GraphQLError], data: Map?, context: RequestContext?, isMutation: Bool, hooks: TestHooks,
        answeredTenant: String? = nil
    ) -> DemoResponse {
        var members: [JSONMember] = []
        if !errors.isEmpty {
            members.append(JSONMember("errors", .array(errors.map(JSONValue.init))))
        }
        if let data {
            members.append(JSONMember("data", JSONValue(data)))
        }
        let cost = (context?.cost ?? .zero).scaled(byMicros: hooks.costMultiplierMicros)
        var extensions = [JSONMember("cost", Self.costJSON(cost))]
        if isMutation {
            extensions.append(JSONMember("compensation", context?.compensation?.json ?? .null))
        }
        // Only a fault sets it: a normal answer says nothing of tenants.
        if let answeredTenant { extensions.append(JSONMember("tenant", .string(answeredTenant))) }
        members.append(JSONMember("extensions", .object(extensions)))
        return .json(200, .object(members))
    }

    /// `{"actualUsd": "0.016000", "actualTokens": 160}`: USD as a decimal
    /// string with six places, so no reader meets a binary float.
    static func costJSON(_ cost: FieldCost) -> JSONValue {
        .object([
            JSONMember("actualUsd", .string(cost.usd.decimalString)),
            JSONMember("actualTokens", .int(cost.tokens)),
        ])
    }

    /// The operations the executor could pick: the named one, or all when no
    /// name is given (the executor then requires there be exactly one).
    static func candidateOperations(in document: Document, named name: String?) -> [OperationDefinition] {
        document.definitions.compactMap { $0 as? OperationDefinition }.filter { operation in
            name == nil || operation.name?.value == name
        }
    }

    static func graphQLError(_ error: any Error) -> GraphQLError {
        (error as? GraphQLError) ?? GraphQLError(message: String(describing: error))
    }
}
