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

"""
Classes a root field for the gateway's cost downshift ladder: `priority`
`P0` (essential, kept in every tier) to `P3` (shed first), `P2` when
undeclared; `tags` name the kinds of work tiers refuse (`batch`, `enricher`,
`analytics`, `heavy_read`, `llm`); `hopsArg` names the Int argument that
bounds a traversal's depth.
"""
directive @downshift(priority: String!, tags: [String!], hopsArg: String) on FIELD_DEFINITION

"The gateway may answer this query field from its response cache for `ttlSeconds`."
directive @cacheable(ttlSeconds: Int!) on FIELD_DEFINITION

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

"A shortest path between two entities; each relationship may be crossed either way."
type Path {
  "How many relationships the path crosses."
  hops: Int!
  "From `from` to `to`, both included."
  entities: [Entity!]!
  relationships: [Relationship!]!
}

"How many records of one type (or kind)."
type TypeCount {
  name: String!
  count: Int!
}

"Counts over the caller's graph."
type GraphStats {
  entityCount: Int!
  relationshipCount: Int!
  entitiesByType: [TypeCount!]!
  relationshipsByKind: [TypeCount!]!
}

type Query {
  "One entity of the caller's tenant, or null."
  entity(id: ID!): Entity
    @downshift(priority: "P1")
  "The caller's entities in creation order; `limit` is clamped to the server's bound."
  entities(limit: Int = 50): [Entity!]!
    @downshift(priority: "P1")
  "Relationships of the caller's tenant that start or end at the entity."
  relationships(entityId: ID!): [Relationship!]!
    @downshift(priority: "P1")
  "Always \"ok\"."
  health: String!
    @downshift(priority: "P0")
  """
  The shortest path from `from` to `to` with at most `maxHops` hops (0–10),
  or null when there is none that short; an unknown id is an error.
  """
  path(from: ID!, to: ID!, maxHops: Int!): Path
    @downshift(priority: "P1", hopsArg: "maxHops")
  """
  Entities whose name, type or properties contain `text` (case-insensitive),
  in creation order; `limit` is clamped like `entities`. A full scan.
  """
  searchEntities(text: String!, limit: Int = 50): [Entity!]!
    @downshift(priority: "P2", tags: ["heavy_read"]) @cacheable(ttlSeconds: 30)
  "Counts of the caller's entities by type and relationships by kind."
  graphStats: GraphStats!
    @downshift(priority: "P3", tags: ["analytics"])
}

"""
`tenantId`, where accepted, addresses another tenant than the request's
`X-Tenant` (default: the request's tenant); the gateway treats such a call as
cross-tenant. `id` on the create mutations restores a deleted record under its
old id (the compensations use it).
"""
type Mutation {
  createEntity(name: String!, type: String, tenantId: String, properties: String, id: ID): Entity
    @budget(capUsd: 0.02, tokens: 200) @downshift(priority: "P1")
  updateEntity(id: ID!, name: String, properties: String, tenantId: String): Entity
    @budget(capUsd: 0.02, tokens: 200) @downshift(priority: "P1")
  deleteEntity(id: ID!, tenantId: String): Boolean
    @budget(capUsd: 0.05, tokens: 100, riskTags: ["destructive"]) @downshift(priority: "P2")
  "Repoints the source's relationships to the target, then deletes the source."
  mergeEntities(sourceId: ID!, targetId: ID!): Entity
    @budget(capUsd: 0.10, tokens: 500, riskTags: ["merge_entities"]) @downshift(priority: "P2")
  "Returns how many entities were deleted; unknown ids are skipped."
  bulkDeleteEntities(ids: [ID!]!): Int
    @budget(capUsd: 0.01, tokens: 50, riskTags: ["bulk_delete"], perItem: "ids") @downshift(priority: "P3")
  "Returns how many entities were updated; unknown ids are skipped."
  bulkUpdateEntities(ids: [ID!]!, properties: String!): Int
    @budget(capUsd: 0.01, tokens: 50, riskTags: ["bulk_update"], perItem: "ids") @downshift(priority: "P2")
  "Every entity of the caller's tenant as `json` or `csv`."
  exportData(format: String!): String
    @budget(capUsd: 6.00, tokens: 20000, riskTags: ["data_export"]) @downshift(priority: "P3")
  "Moves an entity without relationships to another tenant."
  moveEntityToTenant(id: ID!, targetTenant: String!, tenantId: String): Entity
    @budget(capUsd: 0.05, tokens: 200, riskTags: ["cross_tenant_move"]) @downshift(priority: "P2")
  createRelationship(fromId: ID!, toId: ID!, kind: String!, tenantId: String, id: ID): Relationship
    @budget(capUsd: 0.02, tokens: 100) @downshift(priority: "P1")
  deleteRelationship(id: ID!, tenantId: String): Boolean
    @budget(capUsd: 0.01, tokens: 50) @downshift(priority: "P2")
  "Does nothing; the smallest mutation, for smoke tests."
  SafeNoop: Boolean
    @budget(capUsd: 0.001, tokens: 10) @downshift(priority: "P0")
  "Creates one entity per name (at most 1000), in list order."
  bulkImportEntities(names: [String!]!, type: String): [Entity!]!
    @budget(capUsd: 0.005, tokens: 20, perItem: "names") @downshift(priority: "P3", tags: ["batch"])
  "Writes `degree` and `neighbourTypes` (what the graph knows about it) into the entity's properties."
  enrichEntity(id: ID!): Entity
    @budget(capUsd: 0.03, tokens: 300) @downshift(priority: "P3", tags: ["enricher"])
  "A plain-text summary of the entity and its relationships (the demo's LLM call)."
  summarizeEntity(id: ID!): String
    @budget(capUsd: 0.25, tokens: 4000) @downshift(priority: "P2", tags: ["llm"])
}

"""#
}
