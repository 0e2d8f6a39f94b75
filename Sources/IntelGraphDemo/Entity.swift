/// A node of the graph. Stored properties are named as the SDL's fields, so
/// the executor's default resolver reads them directly.
public struct Entity: Sendable, Equatable {
    public var id: String
    public var tenantId: String
    public var name: String
    public var type: String
    /// A JSON object as text.
    public var properties: String
    /// RFC 3339, UTC.
    public var createdAt: String

    public init(id: String, tenantId: String, name: String, type: String, properties: String, createdAt: String) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.type = type
        self.properties = properties
        self.createdAt = createdAt
    }

    /// `type` when a create names none.
    public static let defaultType = "generic"
    /// `properties` when a create names none.
    public static let emptyProperties = "{}"
}

/// A directed, typed edge between two entities of one tenant.
public struct Relationship: Sendable, Equatable {
    public var id: String
    public var tenantId: String
    public var fromId: String
    public var toId: String
    public var kind: String

    public init(id: String, tenantId: String, fromId: String, toId: String, kind: String) {
        self.id = id
        self.tenantId = tenantId
        self.fromId = fromId
        self.toId = toId
        self.kind = kind
    }
}
