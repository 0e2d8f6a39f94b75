/// Everything one drill run needs, resolved from the command line (`safemut drill rehearse`).
public struct DrillPlan: Sendable {
    /// A label for the report (`--env`).
    public var environment: String
    public var rpoTargetMilliseconds: Int64
    public var rtoTargetMilliseconds: Int64
    /// The ledger database the backup is of and the rows are compared with.
    public var sourceURL: String
    /// The gateway configuration the scratch gateway runs with.
    public var configPath: String
    /// Where the source's `archive_command` puts WAL.
    public var walArchive: String
    /// An existing plain-format base backup; nil: take one now.
    public var backupPath: String?
    /// The scratch directory; nil: a new temporary one.
    public var scratchDirectory: String?
    /// Keep the scratch directory (restored cluster, logs) afterwards.
    public var keepScratch: Bool
    /// The Postgres binaries (same major version as the source).
    public var pgBin: String
    /// How long after the backup the simulated loss happens.
    public var lossAfterMilliseconds: Int64
    public var probe: ProbeRequest
    /// The `safemut` executable that serves on the restore.
    public var gatewayBinary: String
    /// Bounds on the slow steps: recovery until promotion, and the gateway's first admission.
    public var restoreTimeoutSeconds: Int64
    public var gatewayTimeoutSeconds: Int64

    public init(
        environment: String, rpoTargetMilliseconds: Int64, rtoTargetMilliseconds: Int64, sourceURL: String, configPath: String,
        walArchive: String, backupPath: String?, scratchDirectory: String?, keepScratch: Bool, pgBin: String,
        lossAfterMilliseconds: Int64, probe: ProbeRequest, gatewayBinary: String,
        restoreTimeoutSeconds: Int64 = 3_600, gatewayTimeoutSeconds: Int64 = 120
    ) {
        self.environment = environment
        self.rpoTargetMilliseconds = rpoTargetMilliseconds
        self.rtoTargetMilliseconds = rtoTargetMilliseconds
        self.sourceURL = sourceURL
        self.configPath = configPath
        self.walArchive = walArchive
        self.backupPath = backupPath
        self.scratchDirectory = scratchDirectory
        self.keepScratch = keepScratch
        self.pgBin = pgBin
        self.lossAfterMilliseconds = lossAfterMilliseconds
        self.probe = probe
        self.gatewayBinary = gatewayBinary
        self.restoreTimeoutSeconds = restoreTimeoutSeconds
        self.gatewayTimeoutSeconds = gatewayTimeoutSeconds
    }
}
