import GraphQL

/// The mutations that model the jobs the downshift ladder sheds first: a
/// bulk import (`batch`), an enrichment (`enricher`) and an LLM summary
/// (`llm`). Each does real work on the graph, so a test sees what a refusal
/// spared.
extension MutationResolvers {
    /// The most names one `bulkImportEntities` may create, so a single call
    /// stays a bounded job (and its per-item estimate meaningful).
    static let maxImport = 1_000

    /// Creates one entity per name, in list order; undone by deleting each.
    func bulkImportEntities(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let names = try arguments.stringList("names")
        guard names.count <= Self.maxImport else {
            throw DemoError.invalidArgument(name: "names", reason: "lists \(names.count) names; at most \(Self.maxImport) per call")
        }
        for name in names { _ = try Self.nonEmpty(name, "names") }
        let type = try Self.nonEmpty(arguments.optionalString("type") ?? Entity.defaultType, "type")
        let createdAt = context.now()
        let tenant = context.tenant
        let created = try store.withState { state throws(DemoError) in
            try names.map { name throws(DemoError) in
                try state.create(id: nil, tenant: tenant, name: name, type: type, properties: Entity.emptyProperties, createdAt: createdAt)
            }
        }
        let inverse = created.reversed().map { CompensationStep.deleteEntity($0, requestTenant: tenant) }
        return RootResult(created, inverse: inverse)
    }

    /// Writes what the graph knows about the entity into its properties:
    /// `degree` (relationships touching it) and `neighbourTypes` (the sorted
    /// types of the entities it links to). Undone by restoring the old properties.
    func enrichEntity(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let id = try arguments.requiredString("id")
        let tenant = context.tenant
        let (old, new) = try store.withState { state throws(DemoError) in
            let (entity, neighbours) = try state.entityAndNeighbours(id, tenant: tenant)
            let properties = try Self.enriched(
                entity.properties, degree: neighbours.count, neighbourTypes: Set(neighbours.map(\.entity.type)).sorted()
            )
            return try state.update(id: id, tenant: tenant, name: nil, properties: properties)
        }
        let inverse: [CompensationStep] = old == new ? [] : [.restoreEntity(old, requestTenant: tenant)]
        return RootResult(new, inverse: inverse)
    }

    /// A plain-text summary of the entity and its links: the demo's stand-in
    /// for an LLM call, priced by its `@budget` tokens. Reads only, so
    /// nothing to undo.
    func summarizeEntity(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let id = try arguments.requiredString("id")
        let tenant = context.tenant
        let (entity, neighbours) = try store.withState { state throws(DemoError) in
            try state.entityAndNeighbours(id, tenant: tenant)
        }
        var summary = "\(entity.name) (\(entity.type)) has \(neighbours.count) relationship(s)"
        if !neighbours.isEmpty {
            let links = neighbours.map { link, other in
                let arrow = link.fromId == entity.id ? "->" : "<-"
                return "\(link.kind) \(arrow) \(other.name) (\(other.type))"
            }
            summary += ": " + links.joined(separator: "; ")
        }
        return RootResult(summary + ".")
    }

    /// `properties` with `degree` and `neighbourTypes` set, other members kept in order.
    static func enriched(_ properties: String, degree: Int, neighbourTypes: [String]) throws(DemoError) -> String {
        guard case .object(let members)? = JSONValue.parse(Array(properties.utf8)) else {
            throw .invalidProperties("not an object")
        }
        let kept = members.filter { $0.key != "degree" && $0.key != "neighbourTypes" }
        let added = [
            JSONMember("degree", .int(Int64(degree))),
            JSONMember("neighbourTypes", .array(neighbourTypes.map(JSONValue.string))),
        ]
        return JSONValue.object(kept + added).serializedString
    }
}
