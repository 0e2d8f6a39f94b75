import Logging
import Testing
@testable import Telemetry

@Suite("Text log lines")
struct TextLogHandlerTests {
    @Test("timestamp, level, label, message, then sorted key=value metadata")
    func format() throws {
        let collector = LineCollector()
        let logger = Logger(label: "safemut") { label in
            TextLogHandler(label: label, level: LogLevelControl(.info), sink: collector.sink, metadataProvider: nil, now: { 1_735_787_045_678 })
        }
        logger.info("request done", metadata: ["request.id": "ab12", "http.status": "200", "note": "two words"])
        logger.warning("multi\nline")
        logger.debug("hidden")
        #expect(collector.all == [
            #"2025-01-02T03:04:05.678Z info safemut: request done http.status=200 note="two words" request.id=ab12"#,
            #"2025-01-02T03:04:05.678Z warning safemut: multi\nline"#,
        ])
    }

    @Test("Bootstrap.makeHandler picks the handler for the format")
    func makeHandler() {
        let control = LogLevelControl(.notice)
        #expect(Bootstrap.makeHandler(format: .json, label: "x", level: control) is JSONLogHandler)
        #expect(Bootstrap.makeHandler(format: .text, label: "x", level: control) is TextLogHandler)
        #expect(Bootstrap.makeHandler(format: .text, label: "x", level: control).logLevel == .notice)
        #expect(LogOutputFormat(rawValue: "json") == .json)
    }
}
