/// What a manifest must prove before it loads: `pq.require_signature` and the keys that may sign.
public struct ManifestTrust: Sendable {
    /// When on, a manifest without a valid signature is refused.
    public var requireSignature: Bool
    /// Keys tried in order (more than one during a key rotation).
    public var keys: [ManifestVerificationKey]

    public init(requireSignature: Bool = false, keys: [ManifestVerificationKey] = []) {
        self.requireSignature = requireSignature
        self.keys = keys
    }

    /// Checks the signature over the exact `manifest` bytes first, then parses them, so a
    /// badly signed manifest is refused before any of it is read. A signature that is given
    /// must verify even when none is required.
    public func open(
        manifest: [UInt8],
        signature: [UInt8]?,
        limits: ManifestLimits = ManifestLimits()
    ) throws(ManifestLoadError) -> OpenedManifest {
        var signed = false
        if let signature {
            do {
                try ManifestSignature.parse(fileContents: signature).verify(manifest, keys: keys)
            } catch {
                throw .signature(error)
            }
            signed = true
        } else if requireSignature {
            throw .signature(.missingSignature)
        }
        do {
            return OpenedManifest(manifest: try PersistedQueryManifest.parse(manifest, limits: limits), isSigned: signed)
        } catch {
            throw .manifest(error)
        }
    }
}

/// A manifest that passed `ManifestTrust.open`.
public struct OpenedManifest: Sendable {
    public let manifest: PersistedQueryManifest
    /// Whether a signature was given and verified.
    public let isSigned: Bool
}

/// Why `ManifestTrust.open` refused a manifest.
public enum ManifestLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    case signature(SignatureError)
    case manifest(ManifestError)

    public var description: String {
        switch self {
        case .signature(let error): return "\(error)"
        case .manifest(let error): return "\(error)"
        }
    }
}
