import GraphQL

/// Resolvers of the Mutation root fields. Each returns its value and the
/// steps that undo it; cost is added by the wrapper from the `@budget`.
struct MutationResolvers: Sendable {
    let store: EntityStore

    var all: [String: RootResolver] {
        [
            "createEntity": createEntity,
            "updateEntity": updateEntity,
            "deleteEntity": deleteEntity,
            "mergeEntities": mergeEntities,
            "bulkDeleteEntities": bulkDeleteEntities,
            "bulkUpdateEntities": bulkUpdateEntities,
            "exportData": exportData,
            "moveEntityToTenant": moveEntityToTenant,
            "createRelationship": createRelationship,
            "deleteRelationship": deleteRelationship,
            "SafeNoop": safeNoop,
            "bulkImportEntities": bulkImportEntities,
            "enrichEntity": enrichEntity,
            "summarizeEntity": summarizeEntity,
        ]
    }

    func createEntity(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let tenant = try Self.tenant(arguments, context)
        let name = try Self.nonEmpty(arguments.requiredString("name"), "name")
        let type = try Self.nonEmpty(arguments.optionalString("type") ?? Entity.defaultType, "type")
        let properties = try Self.jsonObject(arguments.optionalString("properties") ?? Entity.emptyProperties)
        let id = try arguments.optionalString("id").map { id throws(DemoError) in try Self.nonEmpty(id, "id") }
        let createdAt = context.now()
        let entity = try store.withState { state throws(DemoError) in
            try state.create(
                id: id, tenant: tenant, name: name, type: type, properties: properties, createdAt: createdAt
            )
        }
        return RootResult(entity, inverse: [.deleteEntity(entity, requestTenant: context.tenant)])
    }

    func updateEntity(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let tenant = try Self.tenant(arguments, context)
        let id = try arguments.requiredString("id")
        let name = try arguments.optionalString("name").map { name throws(DemoError) in
            try Self.nonEmpty(name, "name")
        }
        let properties = try arguments.optionalString("properties").map(Self.jsonObject)
        let (old, new) = try store.withState { state throws(DemoError) in
            try state.update(id: id, tenant: tenant, name: name, properties: properties)
        }
        let inverse: [CompensationStep] = old == new ? [] : [.restoreEntity(old, requestTenant: context.tenant)]
        return RootResult(new, inverse: inverse)
    }

    func deleteEntity(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let tenant = try Self.tenant(arguments, context)
        let id = try arguments.requiredString("id")
        let (entity, relationships) = try store.withState { state throws(DemoError) in
            try state.delete(id: id, tenant: tenant)
        }
        let inverse = [CompensationStep.createEntity(entity, requestTenant: context.tenant)]
            + relationships.map { .createRelationship($0, requestTenant: context.tenant) }
        return RootResult(true, inverse: inverse)
    }

    func mergeEntities(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let sourceId = try arguments.requiredString("sourceId")
        let targetId = try arguments.requiredString("targetId")
        let merged = try store.withState { state throws(DemoError) in
            try state.merge(sourceId: sourceId, targetId: targetId, tenant: context.tenant)
        }
        // Recreate the source first, so the restored relationships have both ends.
        var inverse = [CompensationStep.createEntity(merged.source, requestTenant: context.tenant)]
        for original in merged.repointed {
            inverse.append(.deleteRelationship(original, requestTenant: context.tenant))
            inverse.append(.createRelationship(original, requestTenant: context.tenant))
        }
        return RootResult(merged.target, inverse: inverse)
    }

    func bulkDeleteEntities(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let ids = try arguments.stringList("ids")
        let deleted = store.withState { $0.bulkDelete(ids: ids, tenant: context.tenant) }
        let inverse = deleted.entities.map { CompensationStep.createEntity($0, requestTenant: context.tenant) }
            + deleted.relationships.map { .createRelationship($0, requestTenant: context.tenant) }
        return RootResult(deleted.entities.count, inverse: inverse)
    }

    func bulkUpdateEntities(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let ids = try arguments.stringList("ids")
        let properties = try Self.jsonObject(arguments.requiredString("properties"))
        let previous = store.withState { $0.bulkUpdate(ids: ids, tenant: context.tenant, properties: properties) }
        let inverse = previous.filter { $0.properties != properties }
            .map { CompensationStep.restoreEntity($0, requestTenant: context.tenant) }
        return RootResult(previous.count, inverse: inverse)
    }

    /// Read-only, so nothing to undo; priced like the expensive job it models.
    func exportData(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let format = try arguments.requiredString("format").lowercased()
        let entities = store.withState { $0.export(tenant: context.tenant) }
        switch format {
        case "json": return RootResult(Entity.exportJSON(entities))
        case "csv": return RootResult(Entity.exportCSV(entities))
        default: throw DemoError.unsupportedExportFormat(format)
        }
    }

    func moveEntityToTenant(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let tenant = try Self.tenant(arguments, context)
        let id = try arguments.requiredString("id")
        let target = try Self.nonEmpty(arguments.requiredString("targetTenant"), "targetTenant")
        let (old, new) = try store.withState { state throws(DemoError) in
            try state.move(id: id, from: tenant, to: target)
        }
        return RootResult(new, inverse: [.moveBack(new, to: old.tenantId, requestTenant: context.tenant)])
    }

    func createRelationship(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let tenant = try Self.tenant(arguments, context)
        let fromId = try arguments.requiredString("fromId")
        let toId = try arguments.requiredString("toId")
        let kind = try Self.nonEmpty(arguments.requiredString("kind"), "kind")
        let id = try arguments.optionalString("id").map { id throws(DemoError) in try Self.nonEmpty(id, "id") }
        let relationship = try store.withState { state throws(DemoError) in
            try state.createRelationship(id: id, tenant: tenant, fromId: fromId, toId: toId, kind: kind)
        }
        return RootResult(relationship, inverse: [.deleteRelationship(relationship, requestTenant: context.tenant)])
    }

    func deleteRelationship(_ arguments: Map, _ context: RequestContext) throws -> RootResult {
        let tenant = try Self.tenant(arguments, context)
        let id = try arguments.requiredString("id")
        let relationship = try store.withState { state throws(DemoError) in
            try state.deleteRelationship(id: id, tenant: tenant)
        }
        return RootResult(true, inverse: [.createRelationship(relationship, requestTenant: context.tenant)])
    }

    /// The runbooks' smoke test: costs its tiny cap, changes nothing.
    func safeNoop(_ arguments: Map, _ context: RequestContext) -> RootResult {
        RootResult(true)
    }

    // MARK: Argument checks

    /// `tenantId` when given (a cross-tenant call), else the request's tenant.
    static func tenant(_ arguments: Map, _ context: RequestContext) throws(DemoError) -> String {
        guard let tenant = arguments.optionalString("tenantId") else { return context.tenant }
        return try nonEmpty(tenant, "tenantId")
    }

    static func nonEmpty(_ value: String, _ name: String) throws(DemoError) -> String {
        guard !value.isEmpty else { throw .invalidArgument(name: name, reason: "must not be empty") }
        return value
    }

    /// Properties are opaque to the demo, but must be a JSON object so
    /// clients can rely on parsing them.
    static func jsonObject(_ text: String) throws(DemoError) -> String {
        guard let parsed = JSONValue.parse(Array(text.utf8)) else {
            throw .invalidProperties("not valid JSON")
        }
        guard case .object = parsed else { throw .invalidProperties("not an object") }
        return text
    }
}
