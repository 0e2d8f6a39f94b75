import Drill
import Testing

@Suite("WAL segment names and arithmetic")
struct WALSegmentTests {
    static let mib16: UInt64 = 16 << 20
    static let mib1: UInt64 = 1 << 20

    @Test("a 16 MiB segment name splits into timeline, log and seg, and formats back")
    func roundTrip16() throws {
        let segment = try #require(WALSegment(fileName: "00000001000000020000003F", segmentBytes: Self.mib16))
        #expect(segment.timeline == 1)
        #expect(segment.number == 2 * 256 + 0x3F)
        #expect(segment.fileName == "00000001000000020000003F")
    }

    @Test("with 16 MiB segments the seg part ends at FF and the next segment starts a new log")
    func nextCrossesLog16() throws {
        let last = try #require(WALSegment(fileName: "0000000100000000000000FF", segmentBytes: Self.mib16))
        #expect(last.next.fileName == "000000010000000100000000")
        #expect(WALSegment(fileName: "000000010000000000000100", segmentBytes: Self.mib16) == nil, "seg 0x100 does not exist for 16 MiB")
    }

    @Test("with 1 MiB segments the seg part runs to FFF")
    func nextCrossesLog1() throws {
        let segment = try #require(WALSegment(fileName: "000000010000000000000FFF", segmentBytes: Self.mib1))
        #expect(segment.number == 0xFFF)
        #expect(segment.next.fileName == "000000010000000100000000")
        #expect(WALSegment(fileName: "000000010000000000001000", segmentBytes: Self.mib1) == nil)
    }

    @Test("an LSN maps to the segment holding it")
    func fromLSN() throws {
        let at16 = try #require(WALSegment(timeline: 1, lsn: "0/2000028", segmentBytes: Self.mib16))
        #expect(at16.fileName == "000000010000000000000002")
        let at1 = try #require(WALSegment(timeline: 3, lsn: "1/5A00100", segmentBytes: Self.mib1))
        #expect(at1.fileName == "00000003000000010000005A")
        #expect(WALSegment(timeline: 1, lsn: "nonsense", segmentBytes: Self.mib16) == nil)
    }

    @Test("history, backup, partial and temporary files are not segments", arguments: [
        "00000002.history", "000000010000000000000002.00000028.backup", "000000010000000000000002.partial",
        "000000010000000000000002.tmp", "00000001000000000000000G", "+0000001000000000000000A", "",
    ])
    func notSegments(name: String) {
        #expect(WALSegment(fileName: name, segmentBytes: Self.mib16) == nil)
    }

    @Test("segment sizes must be powers of two from 1 MiB to 1 GiB")
    func segmentSizes() {
        #expect(WALSegment.isValidSegmentSize(Self.mib1))
        #expect(WALSegment.isValidSegmentSize(1 << 30))
        #expect(!WALSegment.isValidSegmentSize(3 << 20))
        #expect(!WALSegment.isValidSegmentSize(512 << 10))
        #expect(WALSegment(fileName: "000000010000000000000002", segmentBytes: 3 << 20) == nil)
    }

    @Test("segments order by timeline, then number")
    func ordering() throws {
        let a = try #require(WALSegment(fileName: "0000000100000000000000FF", segmentBytes: Self.mib16))
        let b = try #require(WALSegment(fileName: "000000010000000100000000", segmentBytes: Self.mib16))
        let c = try #require(WALSegment(fileName: "000000020000000000000001", segmentBytes: Self.mib16))
        #expect(a < b && b < c)
    }
}
