import Logging
import Testing
@testable import Telemetry

@Suite("Live log level")
struct LogLevelControlTests {
    @Test("set() changes what every logger emits, at once")
    func levelChangeTakesEffect() {
        let collector = LineCollector()
        let control = LogLevelControl(.info)
        let first = jsonLogger(collector, control: control, label: "first")
        let second = jsonLogger(collector, control: control, label: "second")

        first.debug("hidden")
        second.info("shown 1")
        control.set(.debug)
        first.debug("shown 2")
        second.trace("hidden")
        control.set(.error)
        first.warning("hidden")
        second.error("shown 3")
        control.set(.trace)
        second.trace("shown 4")

        #expect(collector.objects.map { $0["msg"] as? String } == ["shown 1", "shown 2", "shown 3", "shown 4"])
        #expect(control.level == .trace)
    }

    @Test("every level round-trips through the control", arguments: Logger.Level.allCases)
    func roundTrip(level: Logger.Level) {
        let control = LogLevelControl(.critical)
        control.set(level)
        #expect(control.level == level)
    }

    @Test("assigning one logger's level detaches only that logger (swift-log value semantics)")
    func perLoggerOverride() {
        let collector = LineCollector()
        let control = LogLevelControl(.info)
        var verbose = jsonLogger(collector, control: control, label: "verbose")
        let normal = jsonLogger(collector, control: control, label: "normal")
        verbose.logLevel = .trace
        verbose.trace("verbose trace")
        normal.debug("hidden")
        control.set(.critical)
        verbose.debug("verbose still")
        normal.error("hidden")
        #expect(collector.objects.map { $0["msg"] as? String } == ["verbose trace", "verbose still"])
    }

    @Test("the level changes safely while many tasks log")
    func concurrentChange() async {
        let collector = LineCollector()
        let control = LogLevelControl(.info)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    let logger = jsonLogger(collector, control: control, label: "t\(task)")
                    for index in 0..<200 { logger.info("line", metadata: ["i": "\(index)"]) }
                }
            }
            group.addTask {
                for index in 0..<200 { control.set(index.isMultiple(of: 2) ? .error : .info) }
                control.set(.info)
            }
        }
        #expect(collector.all.count <= 800)
        #expect(collector.objects.allSatisfy { $0["msg"] as? String == "line" })
    }
}
