/// What loading a manifest in `replace` mode would change, and where clients drifted.
public struct AllowlistDiff: Sendable, Hashable {
    /// Manifest operations not on the live allowlist, by name then id.
    public var added: [ManifestOperation]
    /// Live entries the manifest does not hold, by name then hash.
    public var removed: [AllowlistEntry]
    /// New ids that replace a live document of the same operation: the same normalized
    /// document (only the bytes moved: reordered definitions, whitespace, comments) or the
    /// same operation name with a changed document.
    public var drift: [AllowlistDrift]
    /// Manifest operations already live under the same id.
    public var unchanged: Int

    /// Whether applying it would change nothing.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty }

    public init(added: [ManifestOperation] = [], removed: [AllowlistEntry] = [], drift: [AllowlistDrift] = [], unchanged: Int = 0) {
        self.added = added
        self.removed = removed
        self.drift = drift
        self.unchanged = unchanged
    }

    /// Compares a live allowlist with a manifest (pure; the store feeds it Postgres rows).
    public init(live: [AllowlistEntry], manifest: PersistedQueryManifest) {
        let liveByHash = Dictionary(live.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
        let manifestIDs = Set(manifest.operations.map(\.id))
        var liveByNormalized: [String: [AllowlistEntry]] = [:]
        var liveByName: [String: [AllowlistEntry]] = [:]
        for entry in live {
            if let normalized = entry.normalizedHash { liveByNormalized[normalized, default: []].append(entry) }
            if let name = entry.operationName, !name.isEmpty { liveByName[name, default: []].append(entry) }
        }

        var added: [ManifestOperation] = []
        var drift: [AllowlistDrift] = []
        var unchanged = 0
        for operation in manifest.operations {
            if liveByHash[operation.id] != nil {
                unchanged += 1
                continue
            }
            added.append(operation)
            let sameDocument = (liveByNormalized[operation.normalizedHash] ?? []).filter { $0.hash != operation.id }
            let sameName = operation.name.isEmpty ? [] : (liveByName[operation.name] ?? []).filter { entry in
                entry.hash != operation.id && !sameDocument.contains(where: { $0.hash == entry.hash })
            }
            for entry in sameDocument {
                drift.append(AllowlistDrift(operationName: operation.name, liveHash: entry.hash, manifestHash: operation.id, sameNormalizedDocument: true))
            }
            for entry in sameName {
                drift.append(AllowlistDrift(operationName: operation.name, liveHash: entry.hash, manifestHash: operation.id, sameNormalizedDocument: false))
            }
        }
        let removed = live.filter { !manifestIDs.contains($0.hash) }
        self.added = added.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        self.removed = removed.sorted { ($0.operationName ?? "", $0.hash) < ($1.operationName ?? "", $1.hash) }
        self.drift = drift.sorted { ($0.operationName, $0.manifestHash, $0.liveHash) < ($1.operationName, $1.manifestHash, $1.liveHash) }
        self.unchanged = unchanged
    }
}

/// A manifest id that takes over from a live one (see `AllowlistDiff.drift`).
public struct AllowlistDrift: Sendable, Hashable {
    public var operationName: String
    public var liveHash: String
    public var manifestHash: String
    /// True when both normalize to the same document (only bytes moved); false when the
    /// operation of that name changed.
    public var sameNormalizedDocument: Bool
}
