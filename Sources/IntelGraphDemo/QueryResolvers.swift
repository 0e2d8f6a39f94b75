import GraphQL

/// Resolvers of the Query root fields. Reads see only the caller's tenant.
struct QueryResolvers: Sendable {
    let store: EntityStore
    let maxListLimit: Int

    /// The default of `entities(limit:)` when a custom SDL declares none.
    static let defaultLimit = 50

    var all: [String: RootResolver] {
        [
            "entity": entity,
            "entities": entities,
            "relationships": relationships,
            "health": health,
            "path": path,
            "searchEntities": searchEntities,
            "graphStats": graphStats,
        ]
    }

    func entity(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let id = try arguments.requiredString("id")
        let found = store.withState { $0.entity(id: id, tenant: context.tenant) }
        return RootResult(found, items: found == nil ? 0 : 1)
    }

    /// Clamped to `0...maxListLimit`, so a client cannot ask for everything.
    func entities(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let requested = arguments.argument("limit")?.int ?? Self.defaultLimit
        let limit = min(max(0, requested), maxListLimit)
        let list = store.withState { $0.entities(tenant: context.tenant, limit: limit) }
        return RootResult(list, items: Int64(list.count))
    }

    func relationships(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let entityId = try arguments.requiredString("entityId")
        let list = store.withState { $0.relationships(entityId: entityId, tenant: context.tenant) }
        return RootResult(list, items: Int64(list.count))
    }

    func health(_ arguments: Map, _ context: RequestContext) -> RootResult {
        RootResult("ok")
    }

    /// The shortest path within `maxHops`, or null; unknown ids are `NOT_FOUND`.
    func path(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let from = try arguments.requiredString("from")
        let to = try arguments.requiredString("to")
        guard let maxHops = arguments.argument("maxHops")?.int else {
            throw DemoError.invalidArgument(name: "maxHops", reason: "is required")
        }
        let found = try store.withState { state throws(DemoError) in
            try state.path(from: from, to: to, maxHops: maxHops, tenant: context.tenant)
        }
        return RootResult(found, items: Int64(found?.entities.count ?? 0))
    }

    /// Clamped like `entities(limit:)`; an empty `text` matches everything.
    func searchEntities(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let text = try arguments.requiredString("text")
        let requested = arguments.argument("limit")?.int ?? Self.defaultLimit
        let limit = min(max(0, requested), maxListLimit)
        let list = store.withState { $0.search(text: text, tenant: context.tenant, limit: limit) }
        return RootResult(list, items: Int64(list.count))
    }

    func graphStats(_ arguments: Map, _ context: RequestContext) -> RootResult {
        let stats = store.withState { $0.stats(tenant: context.tenant) }
        return RootResult(stats, items: Int64(stats.entityCount))
    }
}
