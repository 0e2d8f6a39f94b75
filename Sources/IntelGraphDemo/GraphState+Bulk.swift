extension GraphState {
    /// Deletes the listed entities of `tenant` (unknown ids and repeats are
    /// skipped) and every relationship touching them. Returns the deleted
    /// entities in list order and the relationships by id.
    mutating func bulkDelete(ids: [String], tenant: String) -> (entities: [Entity], relationships: [Relationship]) {
        var seen = Set<String>()
        var deleted: [Entity] = []
        for id in ids where seen.insert(id).inserted {
            if let entity = entity(id: id, tenant: tenant) {
                deleted.append(entity)
            }
        }
        let deletedIds = Set(deleted.map(\.id))
        let removed = removeRelationships(touching: deletedIds)
        for id in deletedIds {
            entities[id] = nil
        }
        order[tenant]?.removeAll { deletedIds.contains($0) }
        return (deleted, removed)
    }

    /// Sets `properties` on the listed entities of `tenant` (unknown ids and
    /// repeats skipped); returns each updated entity as it was before.
    mutating func bulkUpdate(ids: [String], tenant: String, properties: String) -> [Entity] {
        var seen = Set<String>()
        var previous: [Entity] = []
        for id in ids where seen.insert(id).inserted {
            guard var entity = entity(id: id, tenant: tenant) else { continue }
            previous.append(entity)
            entity.properties = properties
            entities[id] = entity
        }
        return previous
    }

    /// Every entity of `tenant`, in creation order.
    func export(tenant: String) -> [Entity] {
        (order[tenant] ?? []).compactMap { entities[$0] }
    }
}
