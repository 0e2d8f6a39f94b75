/// The whole in-memory graph: plain value logic, guarded by `EntityStore`'s
/// mutex. Every operation takes the tenant it acts in and never sees another
/// tenant's records, except `move`, whose job is to cross.
struct GraphState: Sendable {
    /// All entities by id; ids are unique across tenants.
    var entities: [String: Entity] = [:]
    /// Each tenant's entity ids in creation order, for `entities(limit:)`.
    var order: [String: [String]] = [:]
    var relationships: [String: Relationship] = [:]
    /// Entity id → ids of the relationships that start or end at it.
    var relationshipsByEntity: [String: Set<String>] = [:]
    private var entityCounter = 0
    private var relationshipCounter = 0

    // MARK: Entities

    func entity(id: String, tenant: String) -> Entity? {
        guard let entity = entities[id], entity.tenantId == tenant else { return nil }
        return entity
    }

    func entities(tenant: String, limit: Int) -> [Entity] {
        (order[tenant] ?? []).prefix(max(0, limit)).compactMap { entities[$0] }
    }

    func entityCount(tenant: String) -> Int {
        order[tenant]?.count ?? 0
    }

    /// Creates an entity under `id`, or a fresh one when nil.
    mutating func create(
        id: String?, tenant: String, name: String, type: String, properties: String, createdAt: String
    ) throws(DemoError) -> Entity {
        let newId: String
        if let id {
            guard entities[id] == nil else { throw .idTaken(id: id) }
            newId = id
        } else {
            newId = nextEntityId()
        }
        let entity = Entity(
            id: newId, tenantId: tenant, name: name, type: type, properties: properties, createdAt: createdAt
        )
        entities[newId] = entity
        order[tenant, default: []].append(newId)
        return entity
    }

    /// Changes name and/or properties; returns the entity before and after.
    mutating func update(
        id: String, tenant: String, name: String?, properties: String?
    ) throws(DemoError) -> (old: Entity, new: Entity) {
        guard let old = entity(id: id, tenant: tenant) else { throw .entityNotFound(id: id) }
        var new = old
        if let name { new.name = name }
        if let properties { new.properties = properties }
        entities[id] = new
        return (old, new)
    }

    /// Deletes an entity and every relationship touching it; returns both,
    /// relationships ordered by id.
    mutating func delete(id: String, tenant: String) throws(DemoError) -> (Entity, [Relationship]) {
        guard let entity = entity(id: id, tenant: tenant) else { throw .entityNotFound(id: id) }
        let removed = removeRelationships(touching: [id])
        entities[id] = nil
        order[tenant]?.removeAll { $0 == id }
        return (entity, removed)
    }

    /// Moves an entity without relationships to `targetTenant`, so every
    /// relationship keeps both ends in one tenant.
    mutating func move(
        id: String, from tenant: String, to targetTenant: String
    ) throws(DemoError) -> (old: Entity, new: Entity) {
        guard let old = entity(id: id, tenant: tenant) else { throw .entityNotFound(id: id) }
        guard targetTenant != tenant else { throw .alreadyInTenant(id: id, tenant: tenant) }
        let attached = relationshipsByEntity[id]?.count ?? 0
        guard attached == 0 else { throw .entityHasRelationships(id: id, count: attached) }
        var new = old
        new.tenantId = targetTenant
        entities[id] = new
        order[tenant]?.removeAll { $0 == id }
        order[targetTenant, default: []].append(id)
        return (old, new)
    }

    // MARK: Ids

    /// `ent-000001`, `ent-000002`…, skipping ids a client chose itself.
    private mutating func nextEntityId() -> String {
        Self.nextId(prefix: "ent", counter: &entityCounter, taken: entities)
    }

    /// `rel-000001`, `rel-000002`…, likewise.
    mutating func nextRelationshipId() -> String {
        Self.nextId(prefix: "rel", counter: &relationshipCounter, taken: relationships)
    }

    /// The id of the next `counter` value that no key of `taken` holds.
    private static func nextId<Value>(prefix: String, counter: inout Int, taken: [String: Value]) -> String {
        // Bounded: at most one skip per stored item.
        for _ in 0...taken.count {
            counter += 1
            let candidate = formatId(prefix: prefix, counter)
            if taken[candidate] == nil { return candidate }
        }
        counter += 1
        return formatId(prefix: prefix, counter) + "-\(taken.count)"
    }

    private static func formatId(prefix: String, _ number: Int) -> String {
        let digits = String(number)
        return prefix + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
