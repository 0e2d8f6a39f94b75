/// WAL archiving for a test cluster (the DR drill's source): `archive_mode=on` with an
/// `archive_command` that copies each finished segment into `archiveDirectory` atomically
/// (copy to a temporary name, then rename, so a reader never sees half a segment),
/// `archive_timeout` so a quiet cluster still archives every few seconds, small segments so
/// that costs little disk, and `replication` trust on loopback and the socket for
/// `pg_basebackup`.
public struct WALArchiving: Sendable {
    /// Where finished segments are copied (created inside the cluster's directory when nil).
    public var archiveDirectory: String?
    /// `initdb --wal-segsize` in MiB (a power of two, 1…1024).
    public var segmentMegabytes: Int
    /// `archive_timeout` in seconds: the longest a written record waits to be archived.
    public var archiveTimeoutSeconds: Int

    public init(archiveDirectory: String? = nil, segmentMegabytes: Int = 1, archiveTimeoutSeconds: Int = 1) {
        self.archiveDirectory = archiveDirectory
        self.segmentMegabytes = segmentMegabytes
        self.archiveTimeoutSeconds = archiveTimeoutSeconds
    }

    var initdbArguments: [String] { ["--wal-segsize=\(segmentMegabytes)"] }

    var hbaLines: String {
        """
        local replication all trust
        host replication all 127.0.0.1/32 trust

        """
    }

    func serverSettings(archive: String) -> [String] {
        [
            "-c", "wal_level=replica", "-c", "archive_mode=on",
            "-c", "archive_command=test ! -f \(archive)/%f && cp %p \(archive)/%f.tmp && mv \(archive)/%f.tmp \(archive)/%f",
            "-c", "archive_timeout=\(archiveTimeoutSeconds)", "-c", "max_wal_senders=4",
        ]
    }
}
