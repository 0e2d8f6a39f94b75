/// A shortest path between two entities, as `path(from:, to:, maxHops:)`
/// returns it. Stored properties are named as the SDL's `Path` fields.
public struct GraphPath: Sendable, Equatable {
    /// How many relationships the path crosses (`relationships.count`).
    public var hops: Int
    /// From `from` to `to`, both included.
    public var entities: [Entity]
    /// The relationships crossed, in path order; each may point either way.
    public var relationships: [Relationship]

    public init(entities: [Entity], relationships: [Relationship]) {
        self.hops = relationships.count
        self.entities = entities
        self.relationships = relationships
    }
}
