extension GraphState {
    /// Relationships of `tenant` that start or end at the entity, by id.
    func relationships(entityId: String, tenant: String) -> [Relationship] {
        guard entity(id: entityId, tenant: tenant) != nil else { return [] }
        return (relationshipsByEntity[entityId] ?? [])
            .compactMap { relationships[$0] }
            .sorted { $0.id < $1.id }
    }

    /// Links two entities of `tenant`, under `id` or a fresh one.
    mutating func createRelationship(
        id: String?, tenant: String, fromId: String, toId: String, kind: String
    ) throws(DemoError) -> Relationship {
        guard entity(id: fromId, tenant: tenant) != nil else { throw .entityNotFound(id: fromId) }
        guard entity(id: toId, tenant: tenant) != nil else { throw .entityNotFound(id: toId) }
        let newId: String
        if let id {
            guard relationships[id] == nil else { throw .idTaken(id: id) }
            newId = id
        } else {
            newId = nextRelationshipId()
        }
        let relationship = Relationship(id: newId, tenantId: tenant, fromId: fromId, toId: toId, kind: kind)
        insert(relationship)
        return relationship
    }

    mutating func deleteRelationship(id: String, tenant: String) throws(DemoError) -> Relationship {
        guard let relationship = relationships[id], relationship.tenantId == tenant else {
            throw .relationshipNotFound(id: id)
        }
        remove(relationship)
        return relationship
    }

    /// Repoints the source's relationships to the target, then deletes the
    /// source. Returns the source as it was, the target, and each repointed
    /// relationship before the change.
    mutating func merge(
        sourceId: String, targetId: String, tenant: String
    ) throws(DemoError) -> (source: Entity, target: Entity, repointed: [Relationship]) {
        guard sourceId != targetId else { throw .mergeWithItself(id: sourceId) }
        guard let source = entity(id: sourceId, tenant: tenant) else { throw .entityNotFound(id: sourceId) }
        guard let target = entity(id: targetId, tenant: tenant) else { throw .entityNotFound(id: targetId) }
        let originals = (relationshipsByEntity[sourceId] ?? [])
            .compactMap { relationships[$0] }
            .sorted { $0.id < $1.id }
        for original in originals {
            var moved = original
            if moved.fromId == sourceId { moved.fromId = targetId }
            if moved.toId == sourceId { moved.toId = targetId }
            remove(original)
            insert(moved)
        }
        _ = try delete(id: sourceId, tenant: tenant)
        return (source, target, originals)
    }

    /// Removes every relationship touching one of `entityIds`; returns them by id.
    mutating func removeRelationships(touching entityIds: Set<String>) -> [Relationship] {
        var ids = Set<String>()
        for entityId in entityIds {
            ids.formUnion(relationshipsByEntity[entityId] ?? [])
        }
        let removed = ids.compactMap { relationships[$0] }.sorted { $0.id < $1.id }
        for relationship in removed {
            remove(relationship)
        }
        return removed
    }

    private mutating func insert(_ relationship: Relationship) {
        relationships[relationship.id] = relationship
        relationshipsByEntity[relationship.fromId, default: []].insert(relationship.id)
        relationshipsByEntity[relationship.toId, default: []].insert(relationship.id)
    }

    private mutating func remove(_ relationship: Relationship) {
        relationships[relationship.id] = nil
        for end in [relationship.fromId, relationship.toId] {
            relationshipsByEntity[end]?.remove(relationship.id)
            if relationshipsByEntity[end]?.isEmpty == true {
                relationshipsByEntity[end] = nil
            }
        }
    }
}
