import Testing
@testable import Config

/// SIGHUP's bookkeeping: what applies live, what waits for a restart, and that the second
/// reload still knows what the first could not apply.
@Suite("Config reload (SIGHUP)")
struct ConfigReloadTests {
    @Test("live keys are applied, the rest reported, and still reported on the next reload")
    func liveAndRestartKeys() throws {
        let start = try parse("listen: 127.0.0.1:4000\nlog:\n  level: info\n")
        let file = try parse("""
            listen: 127.0.0.1:4100
            log:
              level: debug
            rate:
              classes:
                default:
                  tenant_burst: 7
            """)
        let first = ConfigReload(running: start, file: file)
        #expect(first.changed == ["listen", "log.level", "rate.classes.default.tenant_burst"])
        #expect(first.needsRestart == ["listen"])
        #expect(first.running.log.level == .debug)
        #expect(first.running.rate == file.rate)
        #expect(first.running.listen == start.listen, "the listener did not move")

        // The same file again: the level and rate are in force; the listener still is not.
        let second = ConfigReload(running: first.running, file: file)
        #expect(second.changed == ["listen"])
        #expect(second.needsRestart == ["listen"])
    }

    @Test("a key unset in the new file counts as changed")
    func unsetKeyCounts() throws {
        let start = try parse("database:\n  url: postgres://u:p@127.0.0.1:5432/db\n")
        let reload = ConfigReload(running: start, file: try parse(""))
        #expect(reload.changed == ["database.url"])
        #expect(reload.needsRestart == ["database.url"])
        #expect(reload.running.database.url == start.database.url)
    }

    @Test("an unchanged file changes nothing")
    func unchanged() throws {
        let config = try parse("log:\n  level: warning\n")
        let reload = ConfigReload(running: config, file: config)
        #expect(reload.changed.isEmpty)
        #expect(reload.running == config)
    }
}
