import Crypto
import Testing

@Suite("Secure random bytes and request ids")
struct RandomTests {
    @Test("bytes has the asked length", arguments: [0, 1, 16, 32, 1000])
    func length(count: Int) throws {
        #expect(try SecureRandom.bytes(count).count == count)
    }

    @Test("successive draws differ and are not all zero")
    func nonRepetition() throws {
        let draws = try (0..<100).map { _ in try SecureRandom.bytes(16) }
        #expect(Set(draws).count == 100)
        #expect(!draws.contains([UInt8](repeating: 0, count: 16)))
    }

    @Test("a large draw uses every byte value (no stuck bits)")
    func distribution() throws {
        let bytes = try SecureRandom.bytes(64 * 1024)
        #expect(Set(bytes).count == 256)
        let ones = bytes.reduce(0) { $0 + $1.nonzeroBitCount }
        // 524,288 bits: the count of ones lies within ±1% of half for any working generator.
        #expect(abs(ones - bytes.count * 4) < bytes.count * 4 / 100)
    }

    @Test("request ids are 32 lowercase hex characters")
    func requestIDFormat() {
        let id = RequestID.generate()
        #expect(id.count == RequestID.length)
        #expect(id.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
    }

    @Test("request ids from many tasks at once are all distinct, across pool refills")
    func requestIDsConcurrent() async {
        // 8 × 2,000 ids draw 256 KiB: 64 refills of the 4 KiB pool, contended.
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<2_000).map { _ in RequestID.generate() } }
            }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(ids.count == 16_000)
        #expect(Set(ids).count == 16_000)
        #expect(ids.allSatisfy { $0.count == 32 })
    }
}
