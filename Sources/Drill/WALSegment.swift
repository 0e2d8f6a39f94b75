/// One WAL segment file's identity: its timeline and its segment number, with the
/// arithmetic Postgres uses for file names (`XLogFileName`, `XLogFromFileName`).
///
/// A name is 24 hex digits `TTTTTTTTLLLLLLLLSSSSSSSS`: the timeline, then the segment number
/// split into a "log" (its high part) and a "seg" (0 ..< 2^32 / segment size). With the
/// default 16 MiB segments seg runs 00…FF; with 1 MiB segments 000…FFF.
public struct WALSegment: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var timeline: UInt32
    /// The segment number: the LSN divided by the segment size.
    public var number: UInt64
    /// Bytes per segment (a power of two from 1 MiB to 1 GiB, `pg_controldata`'s
    /// "Bytes per WAL segment").
    public var segmentBytes: UInt64

    public init(timeline: UInt32, number: UInt64, segmentBytes: UInt64) {
        self.timeline = timeline
        self.number = number
        self.segmentBytes = segmentBytes
    }

    /// Segments per "log" file-name part: 2^32 / segment size.
    var segmentsPerLog: UInt64 { 0x1_0000_0000 / segmentBytes }

    /// Whether `bytes` is a segment size Postgres allows.
    public static func isValidSegmentSize(_ bytes: UInt64) -> Bool {
        bytes >= 1 << 20 && bytes <= 1 << 30 && bytes & (bytes - 1) == 0
    }

    /// Parses a 24-hex-digit segment file name; nil for anything else (`.history`, `.backup`,
    /// `.partial` files, temporary copies) or a "seg" part past the segment size's range.
    public init?(fileName: String, segmentBytes: UInt64) {
        let bytes = Array(fileName.utf8)
        guard bytes.count == 24, Self.isValidSegmentSize(segmentBytes),
              let timeline = Self.hex(bytes[0..<8]), let log = Self.hex(bytes[8..<16]), let seg = Self.hex(bytes[16..<24])
        else { return nil }
        let perLog = 0x1_0000_0000 / segmentBytes
        guard UInt64(seg) < perLog else { return nil }
        self.init(timeline: timeline, number: UInt64(log) * perLog + UInt64(seg), segmentBytes: segmentBytes)
    }

    /// The segment holding `lsn` (`X/Y` as Postgres prints it) on `timeline`; nil when the
    /// text is not an LSN.
    public init?(timeline: UInt32, lsn: String, segmentBytes: UInt64) {
        let parts = lsn.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isValidSegmentSize(segmentBytes),
              let high = UInt32(parts[0], radix: 16), let low = UInt32(parts[1], radix: 16)
        else { return nil }
        let position = UInt64(high) << 32 | UInt64(low)
        self.init(timeline: timeline, number: position / segmentBytes, segmentBytes: segmentBytes)
    }

    /// The 24-hex-digit file name (upper-case, as Postgres writes it).
    public var fileName: String {
        Self.hex8(UInt64(timeline)) + Self.hex8(number / segmentsPerLog) + Self.hex8(number % segmentsPerLog)
    }

    /// The segment after this one on the same timeline.
    public var next: WALSegment {
        WALSegment(timeline: timeline, number: number + 1, segmentBytes: segmentBytes)
    }

    public var description: String { fileName }

    public static func < (lhs: WALSegment, rhs: WALSegment) -> Bool {
        (lhs.timeline, lhs.number) < (rhs.timeline, rhs.number)
    }

    private static func hex(_ digits: ArraySlice<UInt8>) -> UInt32? {
        // Postgres writes upper case; accept either, but nothing else (UInt32(_:radix:) takes "+").
        guard digits.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return UInt32(String(decoding: digits, as: UTF8.self), radix: 16)
    }

    private static func hex8(_ value: UInt64) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 8 - text.count)) + text
    }
}
