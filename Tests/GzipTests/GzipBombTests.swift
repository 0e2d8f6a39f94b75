import Gzip
import Testing

@Suite("Gzip zip-bomb cap")
struct GzipBombTests {
    /// 64 MiB of zeros deflated at level 9: about 64 KiB of input.
    static func member64MiB() throws -> [UInt8] {
        try Gzip.deflate([UInt8](repeating: 0, count: 64 << 20), level: 9)
    }

    @Test("a 1 GiB bomb (16 members of 64 MiB zeros) capped at 1 MiB throws .tooLarge quickly")
    func gibibyteBomb() throws {
        let member = try Self.member64MiB()
        #expect(member.count < 128 * 1024)
        let bomb = Array([[UInt8]](repeating: member, count: 16).joined())
        #expect(bomb.count < 2 << 20)

        let clock = ContinuousClock()
        let started = clock.now
        #expect(throws: GzipError.tooLarge(limit: 1 << 20)) {
            try Gzip.inflate(bomb, maxOutputBytes: 1 << 20)
        }
        // Stopping at the cap means inflating ~1 MiB, not 1 GiB; the bound is generous for a shared box.
        #expect(clock.now - started < .seconds(2))
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

    @Test("a zero cap accepts only an empty body")
    func zeroCap() throws {
        #expect(throws: GzipError.tooLarge(limit: 0)) { try Gzip.inflate(try Gzip.deflate([1]), maxOutputBytes: 0) }
    }
}
