import Foundation
import Logging
import Testing
@testable import Telemetry

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("fixed fields: ts, level, msg, label")
    func fixedFields() throws {
        let collector = LineCollector()
        jsonLogger(collector, label: "safemut.gateway").info("request done")
        let line = try #require(collector.all.first)
        #expect(line == #"{"ts":"2025-01-02T03:04:05.678Z","level":"info","msg":"request done","label":"safemut.gateway"}"#)
        #expect(!line.contains("\n"))
    }

    @Test("strings are escaped so every line parses back to the same text", arguments: [
        "plain",
        #"quote " and backslash \ and slash /"#,
        "newline\nreturn\rtab\tbackspace\u{8}formfeed\u{c}",
        "nul\u{0} bell\u{7} escape\u{1b} unit-separator\u{1f} del\u{7f}",
        "Größe ✓ 日本語 🚀 e\u{301}",
        "",
    ])
    func escaping(text: String) throws {
        let collector = LineCollector()
        jsonLogger(collector).warning("\(text)", metadata: ["value": "\(text)", text: "key"])
        let line = try #require(collector.all.first)
        #expect(!line.contains("\n"))
        #expect(!line.utf8.contains { $0 < 0x20 || $0 == 0x7f }, "raw control byte in \(line)")
        let object = try #require(collector.objects.first)
        #expect(object["msg"] as? String == text)
        #expect(object["value"] as? String == text)
        #expect(object[text] as? String == "key" || text.isEmpty && object[""] as? String == "key")
    }

    @Test("non-ASCII passes through as UTF-8, not as \\u escapes")
    func utf8PassThrough() throws {
        let collector = LineCollector()
        jsonLogger(collector).info("Größe 🚀")
        let line = try #require(collector.all.first)
        #expect(line.contains(#""msg":"Größe 🚀""#))
    }

    @Test("known escapes use their short forms")
    func escapeForms() throws {
        let collector = LineCollector()
        jsonLogger(collector).info("a\"b\\c\nd\te\u{1}f")
        let line = try #require(collector.all.first)
        #expect(line.contains(#""msg":"a\"b\\c\nd\te\u0001f""#))
    }

    @Test("metadata keys are flattened as given, sorted, values as strings")
    func metadataFlattening() throws {
        let collector = LineCollector()
        var logger = jsonLogger(collector)
        logger[metadataKey: "request.id"] = "3f9c"
        logger.info("request done", metadata: ["http.status": "\(200)", "tenant": "demo", "latency_ms": .stringConvertible(12)])
        let line = try #require(collector.all.first)
        #expect(line.hasSuffix(#""label":"test","http.status":"200","latency_ms":"12","request.id":"3f9c","tenant":"demo"}"#))
        let object = try #require(collector.objects.first)
        #expect(object["request.id"] as? String == "3f9c")
        #expect(object["http.status"] as? String == "200")
    }

    @Test("nested dictionaries and arrays become JSON objects and arrays")
    func nestedMetadata() throws {
        let collector = LineCollector()
        jsonLogger(collector).info("decision", metadata: [
            "reasons": ["risk_tag", "over_5_usd"],
            "estimate": ["usd": "5.25", "tokens": "51000", "tags": ["bulk_delete"]],
            "empty": [],
        ])
        let object = try #require(collector.objects.first)
        #expect(object["reasons"] as? [String] == ["risk_tag", "over_5_usd"])
        let estimate = try #require(object["estimate"] as? [String: Any])
        #expect(estimate["usd"] as? String == "5.25")
        #expect(estimate["tags"] as? [String] == ["bulk_delete"])
        #expect((object["empty"] as? [Any])?.isEmpty == true)
        #expect(collector.all.first?.contains(#""estimate":{"tags":["bulk_delete"],"tokens":"51000","usd":"5.25"}"#) == true)
    }

    @Test("call metadata beats the provider, which beats handler metadata")
    func metadataPrecedence() throws {
        let collector = LineCollector()
        let provider = Logger.MetadataProvider { ["source.layer": "provider", "shared": "provider"] }
        var logger = jsonLogger(collector, provider: provider)
        logger[metadataKey: "shared"] = "handler"
        logger[metadataKey: "handler.only"] = "yes"
        logger.info("one")
        logger.info("two", metadata: ["shared": "call"])
        let objects = collector.objects
        #expect(objects[0]["shared"] as? String == "provider")
        #expect(objects[0]["source.layer"] as? String == "provider")
        #expect(objects[0]["handler.only"] as? String == "yes")
        #expect(objects[1]["shared"] as? String == "call")
    }

    @Test("metadata cannot overwrite the fixed fields")
    func reservedKeys() throws {
        let collector = LineCollector()
        jsonLogger(collector).info("real", metadata: ["level": "critical", "msg": "forged", "ts": "0"])
        let object = try #require(collector.objects.first)
        #expect(object["level"] as? String == "info")
        #expect(object["msg"] as? String == "real")
        #expect(object["metadata.level"] as? String == "critical")
        #expect(object["metadata.msg"] as? String == "forged")
        #expect(object["metadata.ts"] as? String == "0")
    }

    @Test("an attached error is written as the error field")
    func errorField() throws {
        let collector = LineCollector()
        jsonLogger(collector).error("upstream failed", error: SampleError())
        #expect(collector.objects.first?["error"] as? String == "upstream reset")
    }

    @Test("the real clock gives an RFC 3339 UTC timestamp with milliseconds")
    func realTimestamp() throws {
        let collector = LineCollector()
        let logger = Logger(label: "clock") { JSONLogHandler(label: $0, level: LogLevelControl(.info), sink: collector.sink) }
        logger.info("now")
        let timestamp = try #require(collector.objects.first?["ts"] as? String)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(formatter.date(from: timestamp))
        #expect(abs(date.timeIntervalSinceNow) < 60)
    }
}
