extension GraphState {
    /// The most hops `path(maxHops:)` may ask for: a traversal bound the
    /// demo keeps whatever the gateway's tier allows.
    static let maxPathHops = 10

    /// The shortest path from `fromId` to `toId` in `tenant`, crossing
    /// relationships in either direction (a link relates both ends), with at
    /// most `maxHops` hops; nil when there is none that short. Breadth-first,
    /// neighbours in relationship-id order, so the answer is deterministic.
    func path(from fromId: String, to toId: String, maxHops: Int, tenant: String) throws(DemoError) -> GraphPath? {
        guard (0...Self.maxPathHops).contains(maxHops) else {
            throw .invalidArgument(name: "maxHops", reason: "must be between 0 and \(Self.maxPathHops)")
        }
        guard let start = entity(id: fromId, tenant: tenant) else { throw .entityNotFound(id: fromId) }
        guard entity(id: toId, tenant: tenant) != nil else { throw .entityNotFound(id: toId) }

        // How each reached entity was first reached: the entity before it and the relationship crossed.
        var reachedBy: [String: (previous: String, relationship: Relationship)] = [:]
        var visited: Set<String> = [fromId]
        var frontier = [fromId]
        var hops = 0
        while !visited.contains(toId), hops < maxHops, !frontier.isEmpty {
            hops += 1
            var next: [String] = []
            for current in frontier {
                let links = (relationshipsByEntity[current] ?? []).compactMap { relationships[$0] }.sorted { $0.id < $1.id }
                for link in links where link.tenantId == tenant {
                    let neighbour = link.fromId == current ? link.toId : link.fromId
                    guard visited.insert(neighbour).inserted else { continue }
                    reachedBy[neighbour] = (current, link)
                    next.append(neighbour)
                }
            }
            frontier = next
        }
        guard visited.contains(toId) else { return nil }

        var entityPath: [Entity] = []
        var relationshipPath: [Relationship] = []
        var cursor = toId
        while let step = reachedBy[cursor] {
            if let entity = entities[cursor] { entityPath.append(entity) }
            relationshipPath.append(step.relationship)
            cursor = step.previous
        }
        entityPath.append(start)
        return GraphPath(entities: entityPath.reversed(), relationships: relationshipPath.reversed())
    }
}
