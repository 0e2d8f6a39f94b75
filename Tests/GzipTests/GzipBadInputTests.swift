import Gzip
import Testing

@Suite("Gzip bad input")
struct GzipBadInputTests {
    static let sample = Array(String(repeating: "the quick brown fox ", count: 1_000).utf8)

    @Test("empty input is corrupt, not an empty body")
    func emptyInput() {
        #expect(throws: GzipError.corrupt("empty input")) { try Gzip.inflate([], maxOutputBytes: 1_000) }
    }

    @Test("a stream cut short at any point is corrupt")
    func truncated() throws {
        let compressed = try Gzip.deflate(Self.sample)
        for cut in [1, 2, 10, compressed.count / 2, compressed.count - 8, compressed.count - 1] {
            let prefix = Array(compressed[..<cut])
            do {
                let inflated = try Gzip.inflate(prefix, maxOutputBytes: 1 << 20)
                Issue.record("cut at \(cut): inflated \(inflated.count) bytes instead of failing")
            } catch {
                guard case .corrupt = error else {
                    Issue.record("cut at \(cut): expected .corrupt, got \(error)")
                    continue
                }
            }
        }
    }

    @Test("bytes that are not gzip are corrupt")
    func garbage() {
        let garbage = Array("this is plainly not gzip data at all".utf8)
        #expect(throws: GzipError.corrupt("incorrect header check")) {
            try Gzip.inflate(garbage, maxOutputBytes: 1 << 20)
        }
    }

    @Test("a zlib (not gzip) stream is rejected: Content-Encoding gzip means RFC 1952")
    func zlibFramingRejected() {
        // zlib header 78 9c followed by the deflate of "a".
        let zlibStream: [UInt8] = [0x78, 0x9c, 0x4b, 0x04, 0x00, 0x00, 0x62, 0x00, 0x62]
        #expect(throws: GzipError.self) { try Gzip.inflate(zlibStream, maxOutputBytes: 100) }
    }

    @Test("a flipped payload byte fails the CRC or the data check")
    func corruptedPayload() throws {
        var compressed = try Gzip.deflate(Self.sample)
        compressed[compressed.count / 2] ^= 0xff
        #expect(throws: GzipError.self) { try Gzip.inflate(compressed, maxOutputBytes: 1 << 20) }
    }

    @Test("a wrong CRC in the trailer is corrupt")
    func badTrailerCRC() throws {
        var compressed = try Gzip.deflate(Self.sample)
        compressed[compressed.count - 8] ^= 0x01
        #expect(throws: GzipError.corrupt("incorrect data check")) {
            try Gzip.inflate(compressed, maxOutputBytes: 1 << 20)
        }
    }

    @Test("trailing garbage after the stream is corrupt", arguments: [[UInt8(0)], [0, 0, 0, 0], Array("junk".utf8)])
    func trailingGarbage(trailer: [UInt8]) throws {
        let compressed = try Gzip.deflate(Self.sample) + trailer
        #expect(throws: GzipError.corrupt("trailing bytes after gzip stream")) {
            try Gzip.inflate(compressed, maxOutputBytes: 1 << 20)
        }
    }

    @Test("a second member that starts but is cut short is corrupt")
    func truncatedSecondMember() throws {
        let compressed = try Gzip.deflate(Self.sample) + [0x1f]
        #expect(throws: GzipError.self) { try Gzip.inflate(compressed, maxOutputBytes: 1 << 20) }
    }
}
