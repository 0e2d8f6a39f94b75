/// The demo schema, compiled in so the server needs no files at run time.
/// A test keeps it byte-identical to `examples/intelgraph/schema.graphql`,
/// the copy the gateway loads and lints; edit that file, then paste it here.
public enum IntelGraphSchemaSDL {
    public static let text = #"""
"""
Declares what a mutation may cost: `capUsd` is the most one call (or, with
`perItem`, one element of the named list argument) may cost in USD;
`tokens` the most tokens it may use; `riskTags` the kinds of harm that need a
second approver.
"""
directive @budget(capUsd: Float!, tokens: Int, riskTags: [String!], perItem: String) on FIELD_DEFINITION

"A node of the intelligence graph. Ids are unique across tenants."
type Entity {
  id: ID!
  tenantId: String!
  name: String!
  type: String!
  "A JSON object, sent and returned as a string."
  properties: String!
  "RFC 3339 time of creation, UTC."
  createdAt: String!
}

"A directed, typed edge between two entities of one tenant."
type Relationship {
  id: ID!
  fromId: ID!
  toId: ID!
  kind: String!
}

type Query {
  "One entity of the caller's tenant, or null."
  entity(id: ID!): Entity
  "The caller's entities in creation order; `limit` is clamped to the server's bound."
  entities(limit: Int = 50): [Entity!]!
  "Relationships of the caller's tenant that start or end at the entity."
  relationships(entityId: ID!): [Relationship!]!
  "Always \"ok\"."
  health: String!
}

"""
`tenantId`, where accepted, addresses another tenant than the request's
`X-Tenant` (default: the request's tenant); the gateway treats such a call as
cross-tenant. `id` on the create mutations restores a deleted record under its
old id (the compensations use it).
"""
type Mutation {
  createEntity(name: String!, type: String, tenantId: String, properties: String, id: ID): Entity
    @budget(capUsd: 0.02, tokens: 200)
  updateEntity(id: ID!, name: String, properties: String, tenantId: String): Entity
    @budget(capUsd: 0.02, tokens: 200)
  deleteEntity(id: ID!, tenantId: String): Boolean
    @budget(capUsd: 0.05, tokens: 100, riskTags: ["destructive"])
  "Repoints the source's relationships to the target, then deletes the source."
  mergeEntities(sourceId: ID!, targetId: ID!): Entity
    @budget(capUsd: 0.10, tokens: 500, riskTags: ["merge_entities"])
  "Returns how many entities were deleted; unknown ids are skipped."
  bulkDeleteEntities(ids: [ID!]!): Int
    @budget(capUsd: 0.01, tokens: 50, riskTags: ["bulk_delete"], perItem: "ids")
  "Returns how many entities were updated; unknown ids are skipped."
  bulkUpdateEntities(ids: [ID!]!, properties: String!): Int
    @budget(capUsd: 0.01, tokens: 50, riskTags: ["bulk_update"], perItem: "ids")
  "Every entity of the caller's tenant as `json` or `csv`."
  exportData(format: String!): String
    @budget(capUsd: 6.00, tokens: 20000, riskTags: ["data_export"])
  "Moves an entity without relationships to another tenant."
  moveEntityToTenant(id: ID!, targetTenant: String!, tenantId: String): Entity
    @budget(capUsd: 0.05, tokens: 200, riskTags: ["cross_tenant_move"])
  createRelationship(fromId: ID!, toId: ID!, kind: String!, tenantId: String, id: ID): Relationship
    @budget(capUsd: 0.02, tokens: 100)
  deleteRelationship(id: ID!, tenantId: String): Boolean
    @budget(capUsd: 0.01, tokens: 50)
  "Does nothing; the smallest mutation, for smoke tests."
  SafeNoop: Boolean
    @budget(capUsd: 0.001, tokens: 10)
}

"""#
}
