import Config
import Foundation
import Logging
import Telemetry

extension ConfigOptions {
    /// The serve configuration (the file, then the environment: SPEC §7); on an error prints
    /// `safemut <command>: <error>` and exits 2.
    func load(_ command: String, cpuCount: Int = ProcessInfo.processInfo.activeProcessorCount) -> SafemutConfig {
        do {
            return try SafemutConfig.load(path: resolvedPath, environment: ProcessInfo.processInfo.environment, cpuCount: cpuCount)
        } catch {
            DatabaseCommand.fail(command, "\(error)", code: 2)
        }
    }
}

extension SafemutConfig {
    /// Starts logging on stderr in the configured format and at the configured level (stdout
    /// is the command's own output).
    func bootstrapStandardErrorLogging() {
        Bootstrap.logging(
            format: LogOutputFormat(rawValue: log.format.rawValue) ?? .json,
            level: LogLevelControl(Logger.Level(rawValue: log.level.rawValue) ?? .info),
            sink: .standardError)
    }
}
