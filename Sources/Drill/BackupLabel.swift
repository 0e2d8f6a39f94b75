import Foundation
import Kit

/// What a base backup says about itself: `backup_label` (where recovery starts) and, when
/// pg_basebackup wrote one, `backup_manifest`'s WAL range (where the backup becomes
/// consistent). Pure parsing of the files' text.
public struct BackupLabel: Sendable, Equatable {
    /// The start WAL file, e.g. `000000010000000000000002`.
    public var startWALFile: String
    /// The start LSN, e.g. `0/2000028`.
    public var startLSN: String
    /// `LABEL:`, e.g. `pg_basebackup base backup`.
    public var label: String
    /// `START TIMELINE:` (1 on a cluster that was never promoted).
    public var timeline: UInt32

    /// Parses `backup_label`; throws `backup_missing` naming `path` when the start line is
    /// not there (the file is not a backup label).
    public init(text: String, path: String) throws(DrillError) {
        var startFile: String?
        var startLSN: String?
        var label = ""
        var timeline: UInt32?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("START WAL LOCATION: ") {
                // "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)"
                let rest = line.dropFirst("START WAL LOCATION: ".count)
                startLSN = rest.split(separator: " ").first.map(String.init)
                if let open = rest.range(of: "(file "), let close = rest.range(of: ")", range: open.upperBound..<rest.endIndex) {
                    startFile = String(rest[open.upperBound..<close.lowerBound])
                }
            } else if line.hasPrefix("LABEL: ") {
                label = String(line.dropFirst("LABEL: ".count))
            } else if line.hasPrefix("START TIMELINE: ") {
                timeline = UInt32(line.dropFirst("START TIMELINE: ".count))
            }
        }
        guard let startFile, startFile.utf8.count == 24, let startLSN else {
            throw DrillError(step: "backup", code: .backupMissing, message: "\(path) has no \"START WAL LOCATION: … (file …)\" line: not a backup_label")
        }
        self.startWALFile = startFile
        self.startLSN = startLSN
        self.label = label
        // Older labels have no START TIMELINE line; the file name carries it too.
        self.timeline = timeline ?? UInt32(startFile.prefix(8), radix: 16) ?? 1
    }

    /// The start segment, given the backup's segment size.
    public func startSegment(segmentBytes: UInt64) -> WALSegment? {
        WALSegment(fileName: startWALFile, segmentBytes: segmentBytes)
    }

    /// The end LSN of the backup's WAL range on `timeline` from a `backup_manifest`
    /// (`"WAL-Ranges": [{"Timeline": 1, "Start-LSN": …, "End-LSN": …}]`); nil when the
    /// manifest does not parse or has no such range (the check then starts from the label only).
    public static func manifestEndLSN(manifest: [UInt8], timeline: UInt32) -> String? {
        guard let document = try? JSONValue.parse(manifest), let ranges = document["WAL-Ranges"]?.arrayValue else { return nil }
        for range in ranges where range["Timeline"]?.int64Value == Int64(timeline) {
            return range["End-LSN"]?.stringValue
        }
        return nil
    }

    /// "Bytes per WAL segment" from `pg_controldata` output; nil when absent or not a valid size.
    public static func segmentBytes(controlData: String) -> UInt64? {
        for line in controlData.split(separator: "\n") where line.hasPrefix("Bytes per WAL segment:") {
            let value = line.dropFirst("Bytes per WAL segment:".count).trimmingCharacters(in: .whitespaces)
            guard let bytes = UInt64(value), WALSegment.isValidSegmentSize(bytes) else { return nil }
            return bytes
        }
        return nil
    }
}
