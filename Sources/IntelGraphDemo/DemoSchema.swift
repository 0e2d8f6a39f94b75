import GraphQL

/// The executable schema: built from the SDL text (the same file the
/// gateway lints), with our resolvers attached to the Query and Mutation
/// root fields. `buildASTSchema` leaves every field without a resolver, so
/// we wrap each root type's field thunk and set `resolve` on the fields it
/// returns; nested fields use the default resolver, which reads `Entity`'s
/// and `Relationship`'s stored properties by name.
struct DemoSchema: Sendable {
    let schema: GraphQLSchema
    /// `@budget` of each Mutation field that declares one.
    let budgets: [String: BudgetDeclaration]

    init(
        sdl: String,
        queries: [String: RootResolver],
        mutations: [String: RootResolver],
        costModel: CostModel
    ) throws(DemoSetupError) {
        let schema: GraphQLSchema
        do {
            schema = try buildSchema(source: Source(body: sdl, name: "schema.graphql"))
        } catch {
            throw .schemaInvalid(String(describing: error))
        }
        guard let queryType = schema.queryType else { throw .missingRootType("Query") }
        guard let mutationType = schema.mutationType else { throw .missingRootType("Mutation") }

        var budgets: [String: BudgetDeclaration] = [:]
        let mutationFields: [(String, GraphQLField)]
        do {
            mutationFields = try mutationType.fields().map { ($0.key, $0.value) }
        } catch {
            throw .schemaInvalid(String(describing: error))
        }
        for (name, field) in mutationFields {
            if let node = field.astNode, let budget = try BudgetDeclaration(field: node) {
                budgets[name] = budget
            }
        }

        var queryResolvers: [String: GraphQLFieldResolve] = [:]
        for (name, resolver) in queries {
            queryResolvers[name] = Self.wrapQuery(resolver, costModel: costModel)
        }
        var mutationResolvers: [String: GraphQLFieldResolve] = [:]
        for (name, resolver) in mutations {
            // A mutation the SDL leaves undeclared costs nothing here; the
            // gateway rejects it before it would reach us.
            mutationResolvers[name] = Self.wrapMutation(resolver, budget: budgets[name], costModel: costModel)
        }
        try Self.attach(queryResolvers, to: queryType)
        try Self.attach(mutationResolvers, to: mutationType)

        let problems = validateSchema(schema: schema)
        guard problems.isEmpty else {
            throw .schemaInvalid(problems.map(\.message).joined(separator: "; "))
        }
        self.schema = schema
        self.budgets = budgets
    }

    /// Sets the resolvers on every field the type's thunk yields, and checks
    /// now (not on the first request) that no SDL field lacks one.
    private static func attach(
        _ resolvers: [String: GraphQLFieldResolve], to type: GraphQLObjectType
    ) throws(DemoSetupError) {
        let original = type.fields
        let typeName = type.name
        let fieldNames: [String]
        do {
            fieldNames = Array(try original().keys)
        } catch {
            throw .schemaInvalid(String(describing: error))
        }
        for name in fieldNames where resolvers[name] == nil {
            throw .missingResolver(type: typeName, field: name)
        }
        // Setting `fields` clears the type's cached field definitions, which
        // the schema built without resolvers.
        type.fields = {
            let fields = try original()
            for (name, field) in fields {
                field.resolve = resolvers[name]
            }
            return fields
        }
    }

    private static func wrapQuery(_ resolver: @escaping RootResolver, costModel: CostModel) -> GraphQLFieldResolve {
        { _, arguments, context, _ in
            let context = try requestContext(context)
            let result = try await resolver(arguments, context)
            context.charge(costModel.queryCost(items: result.items))
            return result.value
        }
    }

    private static func wrapMutation(
        _ resolver: @escaping RootResolver, budget: BudgetDeclaration?, costModel: CostModel
    ) -> GraphQLFieldResolve {
        { _, arguments, context, _ in
            let context = try requestContext(context)
            let result = try await resolver(arguments, context)
            // Charged only when the field succeeded: a refused field did nothing.
            if let budget {
                let items = budget.perItem.map { arguments.listCount($0) } ?? 1
                context.charge(costModel.mutationCost(budget, items: items))
            }
            context.recordInverse(result.inverse)
            return result.value
        }
    }

    private static func requestContext(_ context: any Sendable) throws -> RequestContext {
        guard let context = context as? RequestContext else {
            throw GraphQLError(message: "internal error: request context missing")
        }
        return context
    }
}
