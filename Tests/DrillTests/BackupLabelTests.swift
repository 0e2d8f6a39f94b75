import Drill
import Testing

@Suite("What a base backup says about itself")
struct BackupLabelTests {
    static let label = """
        START WAL LOCATION: 0/3000028 (file 000000010000000000000003)
        CHECKPOINT LOCATION: 0/3000060
        BACKUP METHOD: streamed
        BACKUP FROM: primary
        START TIME: 2026-01-01 00:00:00 UTC
        LABEL: safemut drill staging
        START TIMELINE: 1

        """

    @Test("backup_label: the start WAL file and LSN, the label, the timeline")
    func parsesLabel() throws {
        let parsed = try BackupLabel(text: Self.label, path: "b/backup_label")
        #expect(parsed.startWALFile == "000000010000000000000003")
        #expect(parsed.startLSN == "0/3000028")
        #expect(parsed.label == "safemut drill staging")
        #expect(parsed.timeline == 1)
        #expect(parsed.startSegment(segmentBytes: 1 << 20)?.number == 3)
    }

    @Test("a file without the start line is backup_missing naming the file")
    func notALabel() {
        #expect {
            try BackupLabel(text: "hello\n", path: "/x/backup_label")
        } throws: { error in
            (error as? DrillError)?.code == .backupMissing && "\(error)".contains("/x/backup_label")
        }
    }

    @Test("backup_manifest: the end LSN of the backup's timeline")
    func manifestEnd() {
        let manifest = #"{"PostgreSQL-Backup-Manifest-Version": 1, "Files": [], "WAL-Ranges": [{ "Timeline": 1, "Start-LSN": "0/3000028", "End-LSN": "0/3000138" }], "Manifest-Checksum": "x"}"#
        #expect(BackupLabel.manifestEndLSN(manifest: Array(manifest.utf8), timeline: 1) == "0/3000138")
        #expect(BackupLabel.manifestEndLSN(manifest: Array(manifest.utf8), timeline: 2) == nil)
        #expect(BackupLabel.manifestEndLSN(manifest: Array("not json".utf8), timeline: 1) == nil)
    }

    @Test("pg_controldata: bytes per WAL segment")
    func controlData() {
        let text = "pg_control version number:            1300\nBytes per WAL segment:                1048576\nMaximum length of identifiers:        64\n"
        #expect(BackupLabel.segmentBytes(controlData: text) == 1 << 20)
        #expect(BackupLabel.segmentBytes(controlData: "Bytes per WAL segment:   12345\n") == nil)
        #expect(BackupLabel.segmentBytes(controlData: "") == nil)
    }
}
