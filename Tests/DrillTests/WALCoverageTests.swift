import Drill
import Testing

@Suite("WAL archive coverage from the backup's start segment")
struct WALCoverageTests {
    static let size: UInt64 = 1 << 20
    static let start = WALSegment(fileName: "000000010000000000000003", segmentBytes: size)!

    static func files(_ names: [String], bytes: UInt64 = size) -> [(name: String, bytes: UInt64)] {
        names.map { ($0, bytes) }
    }

    @Test("a contiguous run from the start is complete; older segments and other files are ignored")
    func complete() {
        let coverage = WALCoverage.survey(start: Self.start, end: nil, available: Self.files([
            "000000010000000000000001", "000000010000000000000003", "000000010000000000000004",
            "000000010000000000000005", "000000010000000000000003.00000028.backup", "00000001.history",
        ]))
        #expect(coverage.problem == nil)
        #expect(coverage.first.fileName == "000000010000000000000003")
        #expect(coverage.last?.fileName == "000000010000000000000005")
        #expect(coverage.segments == 3)
        #expect(coverage.missing.isEmpty)
    }

    @Test("a segment missing in the middle is a wal_gap naming it")
    func gap() throws {
        let coverage = WALCoverage.survey(start: Self.start, end: nil, available: Self.files([
            "000000010000000000000003", "000000010000000000000005", "000000010000000000000006",
        ]))
        #expect(coverage.missing == ["000000010000000000000004"])
        let problem = try #require(coverage.problem)
        #expect(problem.code == .walGap)
        #expect(problem.message.contains("000000010000000000000004"))
    }

    @Test("the start segment itself missing is a gap at the start")
    func startMissing() throws {
        let coverage = WALCoverage.survey(start: Self.start, end: nil, available: Self.files(["000000010000000000000004"]))
        #expect(coverage.missing == ["000000010000000000000003"])
        #expect(coverage.problem?.code == .walGap)
    }

    @Test("an archive that stops before the backup's end segment lacks the rest")
    func shortOfBackupEnd() throws {
        let end = WALSegment(fileName: "000000010000000000000005", segmentBytes: Self.size)
        let coverage = WALCoverage.survey(start: Self.start, end: end, available: Self.files(["000000010000000000000003"]))
        #expect(coverage.missing == ["000000010000000000000004", "000000010000000000000005"])
        #expect(coverage.segments == 3)
        #expect(coverage.problem?.code == .walGap)
    }

    @Test("a segment of the wrong size (a copy still being written) counts as absent")
    func partialCopy() {
        var available = Self.files(["000000010000000000000003", "000000010000000000000005"])
        available.append(("000000010000000000000004", Self.size / 2))
        let coverage = WALCoverage.survey(start: Self.start, end: nil, available: available)
        #expect(coverage.missing == ["000000010000000000000004"])
    }

    @Test("no usable segment at all is wal_missing")
    func nothing() throws {
        let coverage = WALCoverage.survey(start: Self.start, end: nil, available: Self.files([
            "000000010000000000000001", "000000020000000000000004", "00000002.history",
        ]))
        #expect(coverage.last == nil)
        let problem = try #require(coverage.problem)
        #expect(problem.code == .walMissing)
    }
}
