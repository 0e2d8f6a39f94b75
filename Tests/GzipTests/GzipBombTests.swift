import Glibc
import Gzip
import Testing

@Suite("Gzip zip-bomb cap")
struct GzipBombTests {
    /// 64 MiB of zeros deflated at level 9: about 64 KiB of input.
    static func member64MiB() throws -> [UInt8] {
        try Gzip.deflate([UInt8](repeating: 0, count: 64 << 20), level: 9)
    }

    @Test("a 1 GiB bomb (16 members of 64 MiB zeros) capped at 1 MiB throws .tooLarge without inflating it")
    func gibibyteBomb() throws {
        let member = try Self.member64MiB()
        #expect(member.count < 128 * 1024)
        let bomb = Array([[UInt8]](repeating: member, count: 16).joined())
        #expect(bomb.count < 2 << 20)

        let peakBefore = peakResidentBytes()
        #expect(throws: GzipError.tooLarge(limit: 1 << 20)) {
            try Gzip.inflate(bomb, maxOutputBytes: 1 << 20)
        }
        // The process's peak memory may rise by other tests running alongside, but nowhere near 1 GiB.
        #expect(peakResidentBytes() - peakBefore < 256 << 20)
    }

    /// The process's peak resident set size (`getrusage`, reported in KiB on Linux).
    private func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    @Test("the cap counts across members: the bomb passes the cap in a later member")
    func capAcrossMembers() throws {
        let small = try Gzip.deflate([UInt8](repeating: 1, count: 600_000))
        let bomb = small + small
        #expect(throws: GzipError.tooLarge(limit: 1_000_000)) {
            try Gzip.inflate(bomb, maxOutputBytes: 1_000_000)
        }
        #expect(try Gzip.inflate(bomb, maxOutputBytes: 1_200_000).count == 1_200_000)
    }

    @Test("an unlimited cap (Int.max) inflates normally")
    func unlimitedCap() throws {
        let bytes = [UInt8](repeating: 9, count: 300_000)
        #expect(try Gzip.inflate(try Gzip.deflate(bytes), maxOutputBytes: .max) == bytes)
        #expect(throws: GzipError.tooLarge(limit: 0)) { try Gzip.inflate(try Gzip.deflate([1]), maxOutputBytes: -5) }
    }

    @Test("a zero cap accepts only an empty body")
    func zeroCap() throws {
        #expect(throws: GzipError.tooLarge(limit: 0)) { try Gzip.inflate(try Gzip.deflate([1]), maxOutputBytes: 0) }
    }
}
