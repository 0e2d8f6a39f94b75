/// One call of an inverse mutation: a root field with its arguments, each
/// typed so it can be sent as a variable.
public struct CompensationStep: Sendable, Equatable {
    public var field: String
    public var arguments: [Argument]
    /// The sub-selection an object-typed field needs, e.g. `{ id }`.
    public var selection: String?

    public struct Argument: Sendable, Equatable {
        public var name: String
        /// The argument's GraphQL type as written in the SDL, e.g. `ID!`.
        public var type: String
        public var value: JSONValue

        public init(_ name: String, _ type: String, _ value: JSONValue) {
            self.name = name
            self.type = type
            self.value = value
        }
    }

    public init(field: String, arguments: [Argument], selection: String? = nil) {
        self.field = field
        self.arguments = arguments
        self.selection = selection
    }
}

extension CompensationStep {
    /// `tenantId` only when the record lives outside the request's tenant:
    /// the inverse is replayed under the original `X-Tenant`.
    private static func tenantArgument(_ tenant: String, requestTenant: String) -> [Argument] {
        tenant == requestTenant ? [] : [Argument("tenantId", "String", .string(tenant))]
    }

    /// Undoes a create: `deleteEntity(id:)`.
    static func deleteEntity(_ entity: Entity, requestTenant: String) -> CompensationStep {
        CompensationStep(
            field: "deleteEntity",
            arguments: [Argument("id", "ID!", .string(entity.id))]
                + tenantArgument(entity.tenantId, requestTenant: requestTenant)
        )
    }

    /// Undoes a delete: `createEntity` with the old id and data.
    static func createEntity(_ entity: Entity, requestTenant: String) -> CompensationStep {
        CompensationStep(
            field: "createEntity",
            arguments: [
                Argument("id", "ID", .string(entity.id)),
                Argument("name", "String!", .string(entity.name)),
                Argument("type", "String", .string(entity.type)),
                Argument("properties", "String", .string(entity.properties)),
            ] + tenantArgument(entity.tenantId, requestTenant: requestTenant),
            selection: "{ id }"
        )
    }

    /// Undoes an update: `updateEntity` back to the old name and properties.
    static func restoreEntity(_ old: Entity, requestTenant: String) -> CompensationStep {
        CompensationStep(
            field: "updateEntity",
            arguments: [
                Argument("id", "ID!", .string(old.id)),
                Argument("name", "String", .string(old.name)),
                Argument("properties", "String", .string(old.properties)),
            ] + tenantArgument(old.tenantId, requestTenant: requestTenant),
            selection: "{ id }"
        )
    }

    /// Undoes a move: move it back, addressed in the tenant it now lives in.
    static func moveBack(_ moved: Entity, to tenant: String, requestTenant: String) -> CompensationStep {
        CompensationStep(
            field: "moveEntityToTenant",
            arguments: [
                Argument("id", "ID!", .string(moved.id)),
                Argument("targetTenant", "String!", .string(tenant)),
            ] + tenantArgument(moved.tenantId, requestTenant: requestTenant),
            selection: "{ id }"
        )
    }

    /// Undoes a relationship delete: recreate it under its old id.
    static func createRelationship(_ relationship: Relationship, requestTenant: String) -> CompensationStep {
        CompensationStep(
            field: "createRelationship",
            arguments: [
                Argument("id", "ID", .string(relationship.id)),
                Argument("fromId", "ID!", .string(relationship.fromId)),
                Argument("toId", "ID!", .string(relationship.toId)),
                Argument("kind", "String!", .string(relationship.kind)),
            ] + tenantArgument(relationship.tenantId, requestTenant: requestTenant),
            selection: "{ id }"
        )
    }

    /// Undoes a relationship create: `deleteRelationship(id:)`.
    static func deleteRelationship(_ relationship: Relationship, requestTenant: String) -> CompensationStep {
        CompensationStep(
            field: "deleteRelationship",
            arguments: [Argument("id", "ID!", .string(relationship.id))]
                + tenantArgument(relationship.tenantId, requestTenant: requestTenant)
        )
    }
}
