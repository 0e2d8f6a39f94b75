import Contract
import Admission
import Config
import FourEyes
import Foundation
import GraphQLAnalysis
import Identity
import Ledger
import Logging
import PersistedQueries
import Ports
import ResponseCache
import RateLimit

/// The admission chain a configuration describes, in SPEC §2's order:
/// identify → parse → persisted → declare → four-eyes → rate → debit.
public struct ConfiguredPipeline: Sendable {
    public let pipeline: AdmissionPipeline
    /// Kept for SIGHUP (JWKS reload).
    public let authenticator: Authenticator
    public let documentCache: DocumentCache
    /// The allowlist step's live policy and counters (the admin API switches its phase).
    public let persistedQueries: PersistedQueryGate

    /// Reads the files the config names (schema, secrets); every problem is
    /// a `PipelineConfigError` naming the key. `allowlist` is the persisted-query
    /// store; without one the allowlist is empty, so `pq.phase` must stay `off`.
    public init(
        _ config: SafemutConfig, allowlist: (any AllowlistLookup)? = nil, canary: (any CanaryRouting)? = nil,
        downshift: (any DownshiftGate)? = nil, fourEyes: FourEyesStep? = nil,
        rateLimiter: RateLimiter? = nil, ledger: Ledger? = nil, apq: APQRegistry? = nil,
        logger: Logger = Logger(label: "safemut.pq")
    ) throws(PipelineConfigError) {
        let authenticator = try Self.authenticator(config)
        let pq = config.persistedQueries
        if allowlist == nil && pq.phase != .off && !pq.bypass {
            throw PipelineConfigError(
                key: "pq.phase",
                message: "\(pq.phase.rawValue) needs the allowlist store: set database.url and redis.url (or PQ_PHASE=off)")
        }
        guard let schemaPath = config.schema.path else {
            throw PipelineConfigError(key: "schema.path", message: "required: every mutation's @budget is checked against the API's schema")
        }
        let sdl: String
        do {
            sdl = try String(contentsOfFile: schemaPath, encoding: .utf8)
        } catch {
            throw PipelineConfigError(key: "schema.path", message: "cannot read \(schemaPath): \(error.localizedDescription)")
        }
        let catalog: BudgetCatalog
        let downshiftCatalog: DownshiftCatalog
        do {
            catalog = try BudgetCatalog(sdl: sdl, fileName: schemaPath)
            downshiftCatalog = try DownshiftCatalog(sdl: sdl, fileName: schemaPath)
        } catch {
            throw PipelineConfigError(key: "schema.path", message: "\(error)")
        }
        let limits = AnalysisLimits(
            maxDepth: config.analysis.maxDepth,
            maxAliases: config.analysis.maxAliases,
            maxDocumentBytes: config.analysis.maxDocumentBytes,
            maxRootFields: config.analysis.maxRootFields,
            // Raw brace nesting is capped before the parser runs (its recursion
            // cannot take ~1000 levels); leave room above the selection depth.
            maxNesting: min(256, max(64, config.analysis.maxDepth * 2)))
        let cache = DocumentCache(capacity: config.analysis.parseCacheEntries)
        let lookup: any AllowlistLookup = allowlist ?? AllowlistSnapshot.empty
        let gate = PersistedQueryGate(
            policy: PersistedQueryPolicy(
                phase: AllowlistPhase(rawValue: pq.phase.rawValue) ?? .off,
                bypass: pq.bypass,
                introspectionAllowed: pq.introspection,
                introspectionInEnforce: pq.introspectionInEnforce == .allow),
            allowlist: lookup,
            logger: logger,
            apq: apq)
        self.authenticator = authenticator
        self.documentCache = cache
        self.persistedQueries = gate
        self.pipeline = AdmissionPolicy.pipeline(
            authenticator: authenticator, cache: cache, limits: limits, allowlist: lookup, gate: gate, catalog: catalog,
            downshift: downshift.map { gate in
                (gate, DownshiftClassifier(catalog: downshiftCatalog), config.downshift.cacheEnabled ? ResponseCache(
                    maxBytes: config.downshift.cacheMaxBytes, maxEntries: config.downshift.cacheMaxEntries,
                    maxEntryBytes: config.downshift.cacheMaxEntryBytes, clock: { Int64(Date().timeIntervalSince1970 * 1_000) }) : nil)
            },
            canary: canary, fourEyes: fourEyes, rateLimiter: rateLimiter, ledger: ledger)
    }

    private static func authenticator(_ config: SafemutConfig) throws(PipelineConfigError) -> Authenticator {
        var secret: [UInt8]?
        if let path = config.identity.hs256SecretFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PipelineConfigError(key: "identity.hs256_secret_file", message: "cannot read \(path)")
            }
            // A trailing newline from `echo` or an editor is not part of the secret.
            var bytes = [UInt8](data)
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            secret = bytes
        }
        let identity = IdentityConfiguration(
            mode: config.identity.mode == .jwt ? .jwt : .headers,
            hs256Secret: secret,
            jwksPath: config.identity.jwksPath,
            issuer: config.identity.issuer,
            audience: config.identity.audience,
            clockSkew: config.identity.clockSkew,
            loopbackOperator: config.admin.loopbackOperator,
            loopbackAllowedOrigins: config.admin.loopbackAllowedOrigins,
            defaultUser: config.identity.defaultUser)
        do {
            return try Authenticator(configuration: identity)
        } catch {
            // Name the YAML keys an operator edits, not the Identity module's fields.
            let keys = [
                "hs256Secret": "identity.hs256_secret_file", "jwksPath": "identity.jwks_path",
                "loopbackAllowedOrigins": "admin.loopback_allowed_origins",
            ]
            let key = error.field.split(separator: "/").map { keys[String($0)] ?? "identity.\($0)" }.joined(separator: " or ")
            throw PipelineConfigError(key: key, message: error.message)
        }
    }
}

/// A configuration the admission chain cannot be built from.
public struct PipelineConfigError: Error, CustomStringConvertible {
    public let key: String
    public let message: String
    public var description: String { "config error: \(key): \(message)" }
}
