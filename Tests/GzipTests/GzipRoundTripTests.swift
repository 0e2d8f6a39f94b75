import Foundation
import Gzip
import Testing

@Suite("Gzip round trip and interop")
struct GzipRoundTripTests {
    @Test("text round-trips at every level", arguments: [Int32(-1), 0, 1, 6, 9])
    func roundTrip(level: Int32) throws {
        let text = Array(String(repeating: "mutation { createEntity(name: \"x\") { id } }\n", count: 500).utf8)
        let compressed = try Gzip.deflate(text, level: level)
        #expect(compressed.starts(with: [0x1f, 0x8b]))
        if level != 0 { #expect(compressed.count < text.count / 10) }
        #expect(try Gzip.inflate(compressed, maxOutputBytes: text.count) == text)
    }

    @Test("random bytes round-trip across many output chunks")
    func randomRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let compressed = try Gzip.deflate(bytes)
        #expect(try Gzip.inflate(compressed, maxOutputBytes: bytes.count) == bytes)
    }

    @Test("empty body deflates to a valid gzip member that inflates to nothing")
    func emptyRoundTrip() throws {
        let compressed = try Gzip.deflate([])
        #expect(compressed.count >= 20)
        #expect(try Gzip.inflate(compressed, maxOutputBytes: 0) == [])
    }

    @Test("output exactly at the cap is allowed")
    func exactlyAtCap() throws {
        let bytes = [UInt8](repeating: 7, count: 200_000)
        let compressed = try Gzip.deflate(bytes)
        #expect(try Gzip.inflate(compressed, maxOutputBytes: 200_000) == bytes)
        #expect(throws: GzipError.tooLarge(limit: 199_999)) {
            try Gzip.inflate(compressed, maxOutputBytes: 199_999)
        }
    }

    @Test("concatenated gzip members inflate to the concatenation (RFC 1952 §2.2)")
    func multiMember() throws {
        let first = try Gzip.deflate(Array("hello, ".utf8))
        let second = try Gzip.deflate(Array("world".utf8))
        #expect(try Gzip.inflate(first + second, maxOutputBytes: 100) == Array("hello, world".utf8))
    }

    @Test("invalid compression level is rejected", arguments: [Int32(-2), 10])
    func invalidLevel(level: Int32) {
        #expect(throws: GzipError.invalidLevel(level)) { try Gzip.deflate([1, 2, 3], level: level) }
    }

    @Test("a file compressed by the gzip CLI inflates; our output decompresses with gunzip")
    func interopWithGzipCLI() throws {
        let text = Array(String(repeating: "Größe ✓ budget=5.00 tenant=demo\n", count: 2_000).utf8)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gzip-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let plain = directory.appendingPathComponent("plain.txt")
        try Data(text).write(to: plain)
        let fromCLI = try run("/bin/gzip", ["-c", "-9", plain.path])
        #expect(try Gzip.inflate(fromCLI, maxOutputBytes: text.count) == text)

        let ours = directory.appendingPathComponent("ours.gz")
        try Data(try Gzip.deflate(text)).write(to: ours)
        #expect(try run("/bin/gzip", ["-d", "-c", ours.path]) == text)
    }

    /// Runs a tool to completion and returns its stdout; fails the test on a non-zero exit.
    private func run(_ tool: String, _ arguments: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        // Read before waiting so a full pipe cannot deadlock the child.
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments) exited \(process.terminationStatus)")
        return Array(data)
    }
}
