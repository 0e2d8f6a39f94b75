/// What the archive snapshot holds for the backup: the run of segments from the backup's
/// start WAL file on, checked before anything is restored (a restore that stops at a gap
/// would otherwise promote quietly with less data than the archive suggests).
public struct WALCoverage: Sendable, Equatable {
    /// The backup's start segment (the first one recovery needs).
    public var first: WALSegment
    /// The newest whole segment in the snapshot on the backup's timeline; nil when none.
    public var last: WALSegment?
    /// How many segments recovery needs from `first` to `last` (or to the backup's end).
    public var segments: Int
    /// Segment file names in that run that are absent.
    public var missing: [String]
    /// The backup's end segment (from its manifest), when known.
    public var end: WALSegment?

    /// Surveys `available` (file names in the snapshot with their sizes in bytes) against the
    /// backup: every segment from `start` to the newest one on its timeline should be present
    /// and whole (`segmentBytes` long: a copy still being written is as good as absent), and
    /// the run should reach `end` when it is known.
    public static func survey(start: WALSegment, end: WALSegment?, available: [(name: String, bytes: UInt64)]) -> WALCoverage {
        var present = Set<UInt64>()
        var newest: UInt64?
        for file in available {
            guard let segment = WALSegment(fileName: file.name, segmentBytes: start.segmentBytes),
                  segment.timeline == start.timeline, segment.number >= start.number, file.bytes == start.segmentBytes
            else { continue }
            present.insert(segment.number)
            newest = max(newest ?? segment.number, segment.number)
        }
        guard let newest else {
            return WALCoverage(first: start, last: nil, segments: 0, missing: [], end: end)
        }
        let through = max(newest, end?.number ?? newest)
        var missing: [String] = []
        for number in start.number...through where !present.contains(number) {
            missing.append(WALSegment(timeline: start.timeline, number: number, segmentBytes: start.segmentBytes).fileName)
        }
        return WALCoverage(
            first: start, last: WALSegment(timeline: start.timeline, number: newest, segmentBytes: start.segmentBytes),
            segments: Int(through - start.number + 1), missing: missing, end: end)
    }

    /// Why recovery cannot use this snapshot: `wal_missing` when it holds no usable segment,
    /// `wal_gap` naming the first absent one; nil when the run is complete.
    public var problem: DrillError? {
        guard let last else {
            return DrillError(
                step: "wal", code: .walMissing,
                message: "the WAL archive snapshot holds no whole segment from \(first.fileName) on (timeline \(first.timeline)); "
                    + "is archive_command copying WAL into the --wal-archive directory?")
        }
        guard let gap = missing.first else { return nil }
        let reach = end.map { ", the backup ending in \($0.fileName)" } ?? ""
        return DrillError(
            step: "wal", code: .walGap,
            message: "the WAL archive snapshot lacks segment \(gap) (\(missing.count) missing between \(first.fileName) "
                + "and \(last.fileName)\(reach)): recovery could not get past it")
    }
}
