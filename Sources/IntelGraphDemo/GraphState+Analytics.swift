extension GraphState {
    /// Entities of `tenant` whose name, type or properties contain `text`
    /// (case-insensitive), in creation order, at most `limit`. A full scan:
    /// the demo's heavy read, the one the gateway may serve from its cache.
    func search(text: String, tenant: String, limit: Int) -> [Entity] {
        let needle = text.lowercased()
        var found: [Entity] = []
        for id in order[tenant] ?? [] {
            guard found.count < limit else { break }
            guard let entity = entities[id] else { continue }
            // `contains("")` is false, but an empty search means "everything".
            if needle.isEmpty || entity.name.lowercased().contains(needle) || entity.type.lowercased().contains(needle)
                || entity.properties.lowercased().contains(needle) {
                found.append(entity)
            }
        }
        return found
    }

    /// Counts over `tenant`'s entities and relationships.
    func stats(tenant: String) -> GraphStats {
        let tenantEntities = export(tenant: tenant)
        let tenantRelationships = relationships.values.filter { $0.tenantId == tenant }
        return GraphStats(
            entityCount: tenantEntities.count,
            relationshipCount: tenantRelationships.count,
            entitiesByType: TypeCount.tally(tenantEntities.map(\.type)),
            relationshipsByKind: TypeCount.tally(tenantRelationships.map(\.kind))
        )
    }

    /// The entities one relationship away from `id`, each with the
    /// relationship, in relationship-id order (what enrichment and summaries read).
    func neighbours(of id: String, tenant: String) -> [(relationship: Relationship, entity: Entity)] {
        relationships(entityId: id, tenant: tenant).compactMap { link in
            let other = link.fromId == id ? link.toId : link.fromId
            return entity(id: other, tenant: tenant).map { (link, $0) }
        }
    }

    /// Entity `id` of `tenant` with its `neighbours`; `entityNotFound` when the tenant has none such.
    func entityAndNeighbours(
        _ id: String, tenant: String
    ) throws(DemoError) -> (entity: Entity, neighbours: [(relationship: Relationship, entity: Entity)]) {
        guard let entity = entity(id: id, tenant: tenant) else { throw .entityNotFound(id: id) }
        return (entity, neighbours(of: id, tenant: tenant))
    }
}
