import GraphQLAnalysis

/// Which inverse mutations `safemut compensate` replays only with `--approve-destructive`:
/// those that delete data or move it between tenants, which a mistaken replay cannot undo.
///
/// A compensation is destructive when the upstream flags it (`"destructive": true` in the
/// compensation object), or one of its root fields carries one of `riskTags` in the schema's
/// `@budget` (`schema.path`), or — so it is recognised without a schema too — the field's name
/// says it deletes (`delete…`, `bulkDelete…`, `remove…`, `purge…`, `drop…`). For the demo
/// API that makes the inverse of a create (`deleteEntity`, `deleteRelationship`) and of a
/// move (`moveEntityToTenant`) destructive, and the inverse of a delete or an update
/// (`createEntity`, `updateEntity`) not.
public struct DestructiveRule: Sendable {
    /// The `@budget` risk tags that mark a field as destructive.
    public static let riskTags: Set<String> = [
        "destructive", "bulk_delete", "purge", "merge_entities", "cross_tenant_move", "schema_change",
    ]
    static let deletingPrefixes = ["delete", "remove", "purge", "drop"]

    let tagsByField: [String: [String]]

    /// `catalog`: the schema's `@budget` declarations, when `schema.path` is configured.
    public init(catalog: BudgetCatalog? = nil) {
        var tags: [String: [String]] = [:]
        for (field, declaration) in catalog?.declarations ?? [:] { tags[field] = declaration.riskTags }
        tagsByField = tags
    }

    /// Why the compensation is destructive, one reason per cause; empty when it is not.
    public func reasons(rootFields: [String], flagged: Bool) -> [String] {
        var reasons: [String] = []
        if flagged { reasons.append("the upstream marked it destructive") }
        for field in rootFields {
            let tags = (tagsByField[field] ?? []).filter(Self.riskTags.contains)
            if !tags.isEmpty {
                reasons.append("\(field) has risk tag \(tags.joined(separator: ", "))")
            } else if Self.deletes(field) {
                reasons.append("\(field) deletes data")
            }
        }
        return reasons
    }

    static func deletes(_ field: String) -> Bool {
        let lowered = field.lowercased()
        return deletingPrefixes.contains { lowered.hasPrefix($0) } || lowered.hasPrefix("bulkdelete")
    }
}
