import Crypto
import Foundation
import Kit
import Testing
@testable import Gates

@Suite("load-test and drill inputs")
struct GateInputTests {
    static let header = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count"

    @Test("a locust stats-history CSV: Aggregated rows are windows; N/A is no data")
    func locustHistory() throws {
        let csv = Self.header + """

            1767225600,10,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0
            1767225601,10,POST,/graphql,50.0,0.0,12,13,14,15,16,17,18,19,20,21,22,50,0
            1767225601,10,,Aggregated,50.000000,0.100000,12,13,14,15,16,640,18,19,20,21,22,50,0
            """
        let history = try LoadTestHistory.parse(Array(csv.utf8))
        #expect(history.windows.count == 2)
        let p95 = history.samples(.p95Milliseconds)
        #expect(p95[0].value == nil)
        #expect(p95[1].value?.description == "640")
        #expect(history.samples(.errorRatio)[1].value?.description == "0.002")
        #expect(history.samples(.errorRatio)[0].value == nil)
        // locust writes CRLF line ends (Python's csv module).
        let crlf = try LoadTestHistory.parse(Array(csv.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        #expect(crlf == history)
    }

    @Test("ops/load-test.sh's JSON summary: the same windows; null p95 is no data")
    func loadTestSummary() throws {
        let json = #"""
            {"format":"safemut-loadtest-summary","version":1,"windows":[
              {"at":1767225600,"requests_per_second":0,"failures_per_second":0,"p95_ms":null},
              {"at":1767225601,"requests_per_second":50.0,"failures_per_second":0.1,"p95_ms":640}],
             "totals":{"requests":50,"failures":0}}
            """#
        let history = try LoadTestHistory.parse(Array(json.utf8))
        #expect(history.windows.count == 2)
        #expect(history.samples(.p95Milliseconds)[1].value?.description == "640")
        #expect(history.samples(.errorRatio)[1].value?.description == "0.002")
        #expect(history.samples(.p95Milliseconds)[0].value == nil)
    }

    @Test("a malformed load-test summary is a typed problem naming what is wrong", arguments: [
        (#"{"windows":[]}"#, "format"),
        (#"{"format":"safemut-loadtest-summary","windows":[]}"#, "no windows"),
        (#"{"format":"safemut-loadtest-summary","windows":[{"at":1,"requests_per_second":"x","failures_per_second":0}]}"#, "windows[0].requests_per_second"),
        (#"{"format":"safemut-loadtest-summary","windows":[{"requests_per_second":1,"failures_per_second":0}]}"#, "windows[0].at"),
        (#"{"format":"safemut-loadtest-summary","#, "not JSON"),
    ])
    func malformedSummary(text: String, expected: String) {
        do {
            _ = try LoadTestHistory.parse(Array(text.utf8))
            Issue.record("parsed \(text)")
        } catch {
            #expect(error.message.contains(expected), "\(error)")
        }
    }

    @Test("a malformed load-test file is a typed problem with its line", arguments: [
        ("", 1, "empty file"),
        ("a,b,c\n1,2,3\n", 1, "no Timestamp column"),
        (header + "\n1767225600,10,,Aggregated,x,0,1,1,1,1,1,1,1,1,1,1,1,0,0\n", 2, "not a number"),
        (header + "\n1767225600,10,,Aggregated,1\n", 2, "fields"),
        (header + "\n", 2, "no Aggregated rows"),
    ])
    func malformedHistory(text: String, line: Int, expected: String) {
        #expect(throws: LoadTestHistory.Problem.self) { try LoadTestHistory.parse(Array(text.utf8)) }
        do {
            _ = try LoadTestHistory.parse(Array(text.utf8))
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(expected), "\(error)")
        }
    }

    @Test("a drill report: the G7 figures; malformed reports are refused")
    func drillReport() throws {
        let report = #"{"kind":"safemut.drill/v1","ok":true,"finished_at":"2026-12-07T01:00:00Z","rpo_ms":1200,"rto_ms":9500,"errors":[]}"#
        let figures = try DrillFigures.parse(Array(report.utf8))
        #expect(figures.ok && figures.rpoMillis == 1_200 && figures.rtoMillis == 9_500)
        #expect(figures.value(.rtoMilliseconds) == GateNumber(9_500))
        let failed = #"{"kind":"safemut.drill/v1","ok":false,"finished_at":"2026-12-07T01:00:00Z","rpo_ms":0,"rto_ms":null,"errors":[{"step":"wal","code":"wal_gap","message":"000000010000000000000003 missing"}]}"#
        #expect(try DrillFigures.parse(Array(failed.utf8)).errors == ["wal: wal_gap: 000000010000000000000003 missing"])
        #expect(throws: DrillFigures.Problem.self) { try DrillFigures.parse(Array("{}".utf8)) }
        #expect(throws: DrillFigures.Problem.self) { try DrillFigures.parse(Array(#"{"kind":"safemut.drill/v1","ok":true,"finished_at":"x"}"#.utf8)) }
        #expect(throws: DrillFigures.Problem.self) { try DrillFigures.parse(Array("not json".utf8)) }
    }
}

@Suite("DSSE and in-toto")
struct DSSETests {
    @Test("PAE is the DSSE spec's: its test vector")
    func paeVector() {
        let pae = DSSE.pae(payloadType: "http://example.com/HelloWorld", payload: Array("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }

    static func key() throws -> SigningKey {
        let directory = NSTemporaryDirectory() + "dsse-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", directory + "/k.pem"]
        try process.run()
        process.waitUntilExit()
        let pem = try Data(contentsOf: URL(fileURLWithPath: directory + "/k.pem"))
        return try SigningKey.p256(pem: Array(pem)).get()
    }

    @Test("an envelope verifies with its key and not after any change")
    func signAndTamper() throws {
        let key = try Self.key()
        let other = try Self.key()
        let keyID = try key.publicKey.keyID().get()
        let statement = InTotoStatement(
            subjects: [.init(name: "safemut", sha256: String(repeating: "a", count: 64))], predicateType: "https://example/p",
            predicate: .object([JSONMember("verdict", .string("PASS"))]))
        let envelope = try DSSEEnvelope.sign(payload: statement.bytes, payloadType: DSSE.inTotoPayloadType, key: key, keyID: keyID).get()
        let parsed = try DSSEEnvelope.parse(envelope.bytes)
        #expect(parsed == envelope)
        #expect(parsed.isSigned(by: key.publicKey, keyID: keyID))
        #expect(!parsed.isSigned(by: other.publicKey, keyID: try other.publicKey.keyID().get()))
        var changed = parsed
        changed.payload[changed.payload.count - 3] ^= 1
        #expect(!changed.isSigned(by: key.publicKey, keyID: keyID))
        var retyped = parsed
        retyped.payloadType = "application/json"
        #expect(!retyped.isSigned(by: key.publicKey, keyID: keyID))
        #expect(throws: DSSEEnvelope.Problem.self) { try DSSEEnvelope.parse(Array(#"{"payload":"!!","payloadType":"x","signatures":[]}"#.utf8)) }
    }

    @Test("a policy-bundle manifest round-trips and refuses escaping paths")
    func policyManifest() throws {
        let manifest = PolicyBundleManifest(createdAtMicros: 1_767_225_600_000_000, files: [.init(path: "b.rego", sha256: String(repeating: "0", count: 64)), .init(path: "a.rego", sha256: String(repeating: "1", count: 64))])
        let parsed = try PolicyBundleManifest.parse(manifest.bytes)
        #expect(parsed == manifest)
        #expect(parsed.files.map(\.path) == ["a.rego", "b.rego"])
        let escaping = String(decoding: manifest.bytes, as: UTF8.self).replacingOccurrences(of: "a.rego", with: "../etc/passwd")
        #expect(throws: PolicyBundleManifest.Problem.self) { try PolicyBundleManifest.parse(Array(escaping.utf8)) }
    }
}
