import Foundation

/// An Apollo persisted-query manifest:
/// `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id","name","type","body"}]}`.
public struct PersistedQueryManifest: Sendable, Hashable {
    /// The `format` member every manifest carries.
    public static let format = "apollo-persisted-query-manifest"
    /// The only `version` understood.
    public static let version = 1

    /// Operations in manifest order.
    public var operations: [ManifestOperation]

    public init(operations: [ManifestOperation]) {
        self.operations = operations
    }

    /// Parses and checks a manifest (`ManifestParser`): every id must be the SHA-256 of its
    /// body, every body a GraphQL document defining the named operation.
    public static func parse(_ bytes: [UInt8], limits: ManifestLimits = ManifestLimits()) throws(ManifestError) -> PersistedQueryManifest {
        try ManifestParser(limits: limits).parse(bytes)
    }

    /// The same operations sorted by name, then id: the order `jsonBytes()` of an exported
    /// allowlist uses, so two exports of one set are byte-identical.
    public func sorted() -> PersistedQueryManifest {
        PersistedQueryManifest(operations: operations.sorted { ($0.name, $0.id) < ($1.name, $1.id) })
    }
}

/// Bounds on what a manifest may hold; a manifest over any is refused whole.
public struct ManifestLimits: Sendable, Hashable {
    /// Bytes of the manifest file.
    public var maxBytes: Int
    /// Number of operations.
    public var maxOperations: Int

    public init(maxBytes: Int = 64 << 20, maxOperations: Int = 100_000) {
        self.maxBytes = maxBytes
        self.maxOperations = maxOperations
    }
}
