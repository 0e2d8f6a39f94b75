/// `graphStats`: counts over one tenant's graph (the demo's analytics
/// query). Stored properties are named as the SDL's `GraphStats` fields.
public struct GraphStats: Sendable, Equatable {
    public var entityCount: Int
    public var relationshipCount: Int
    /// Entities per `type`, by name.
    public var entitiesByType: [TypeCount]
    /// Relationships per `kind`, by name.
    public var relationshipsByKind: [TypeCount]

    public init(entityCount: Int, relationshipCount: Int, entitiesByType: [TypeCount], relationshipsByKind: [TypeCount]) {
        self.entityCount = entityCount
        self.relationshipCount = relationshipCount
        self.entitiesByType = entitiesByType
        self.relationshipsByKind = relationshipsByKind
    }
}

/// One `name: count` row of `GraphStats`.
public struct TypeCount: Sendable, Equatable {
    public var name: String
    public var count: Int

    public init(name: String, count: Int) {
        self.name = name
        self.count = count
    }

    /// Rows counting each value, sorted by name so answers are stable.
    static func tally(_ values: some Sequence<String>) -> [TypeCount] {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.map { TypeCount(name: $0.key, count: $0.value) }.sorted { $0.name < $1.name }
    }
}
