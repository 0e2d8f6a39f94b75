import Foundation
import Testing
@testable import Config
@testable import Gateway

@Suite("admin.ui_key_file")
struct AdminUIKeyTests {
    @Test("a missing or short key file is a start-up error naming the key; a good one signs tokens every replica with it accepts")
    func keyFile() throws {
        var config = SafemutConfig(cpuCount: 1)
        config.admin.uiKeyFile = "/nonexistent/ui.key"
        #expect(throws: DependencyError.self) { try AdminUISetup.csrf(config) }
        do {
            _ = try AdminUISetup.csrf(config)
        } catch {
            #expect(error.key == "admin.ui_key_file" && error.message.contains("cannot be read"))
        }
        let directory = NSTemporaryDirectory() + "uikey-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(repeating: 1, count: 16).write(to: URL(fileURLWithPath: directory + "/short.key"))
        config.admin.uiKeyFile = directory + "/short.key"
        do {
            _ = try AdminUISetup.csrf(config)
            Issue.record("a 16-byte key was accepted")
        } catch {
            #expect(error.key == "admin.ui_key_file" && error.message.contains("at least 32"))
        }
        try Data(repeating: 2, count: 32).write(to: URL(fileURLWithPath: directory + "/good.key"))
        config.admin.uiKeyFile = directory + "/good.key"
        let one = try AdminUISetup.csrf(config), other = try AdminUISetup.csrf(config)
        #expect(other.problem(one.issue(subject: "fiona", roles: ["finance_admin"]), subject: "fiona", roles: ["finance_admin"]) == nil,
                "two replicas with the same file accept each other's tokens")
        config.admin.uiKeyFile = nil
        let drawn = try AdminUISetup.csrf(config)
        #expect(drawn.problem(one.issue(subject: "fiona", roles: ["finance_admin"]), subject: "fiona", roles: ["finance_admin"]) != nil,
                "a process without the file draws a key of its own")
    }
}
