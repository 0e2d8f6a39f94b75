extension AllowlistDiff {
    /// The diff as `safemut pq sync` prints it, one change per line:
    ///
    ///     + <id> <type> <name>                      in the manifest, not live
    ///     - <hash> <type> <name>                    live, not in the manifest
    ///     ~ <name> <live hash> -> <manifest id> (same document, reformatted | document changed)
    public func renderedLines() -> [String] {
        var lines: [String] = []
        for operation in added {
            lines.append("+ \(operation.id) \(operation.type.rawValue) \(Self.label(operation.name))")
        }
        for entry in removed {
            let kind = entry.operationType?.rawValue ?? "-"
            let name = entry.operationName.map(Self.label) ?? "(hash only)"
            lines.append("- \(entry.hash) \(kind) \(name)")
        }
        for item in drift {
            let why = item.sameNormalizedDocument ? "same document, reformatted" : "document changed"
            lines.append("~ \(Self.label(item.operationName)) \(item.liveHash) -> \(item.manifestHash) (\(why))")
        }
        return lines
    }

    /// `3 to add, 1 to remove, 2 drifted, 10 unchanged`.
    public var summary: String {
        "\(added.count) to add, \(removed.count) to remove, \(drift.count) drifted, \(unchanged) unchanged"
    }

    private static func label(_ name: String) -> String {
        name.isEmpty ? "(anonymous)" : name
    }
}
