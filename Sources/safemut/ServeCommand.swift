import ArgumentParser
import Config
import Dispatch
import Foundation
import Gateway
import Logging
import Prometheus
import Sockets
import Telemetry

/// `safemut serve`: run the gateway until SIGTERM or SIGINT.
///
/// SIGHUP re-reads the configuration: the log level changes live; keys
/// that need new sockets or threads (listen, event loops, limits) are
/// reported as needing a restart. SIGTERM stops accepting, lets in-flight
/// requests finish (up to `server.drain_timeout_ms`) and exits 0.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        // First, so a SIGTERM or SIGHUP during start-up is queued, not lost or fatal.
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT, SIGHUP])
        let path = options.resolvedPath
        let config: SafemutConfig
        do {
            config = try SafemutConfig.load(path: path, environment: ProcessInfo.processInfo.environment, cpuCount: ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            FileHandle.standardError.write(Data("safemut: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let levelControl = LogLevelControl(Logger.Level(rawValue: config.log.level.rawValue) ?? .info)
        Bootstrap.logging(format: LogOutputFormat(rawValue: config.log.format.rawValue) ?? .json, level: levelControl)
        let registry = PrometheusCollectorRegistry()
        Bootstrap.metrics(registry: registry)
        let logger = Logger(label: "safemut")

        let runtime: GatewayRuntime
        do {
            runtime = try GatewayRuntime.start(config, configPath: path, registry: registry, logger: logger)
        } catch {
            if error.exitCode == 3 {
                logger.critical("start failed", metadata: ["error": "\(error)", "listen": "\(config.listen)"])
            } else {
                FileHandle.standardError.write(Data("safemut: \(error)\n".utf8))
            }
            throw ExitCode(error.exitCode)
        }

        var current = config
        while true {
            let signo = signals.next()
            if signo == SIGHUP {
                current = reload(from: path, current: current, levelControl: levelControl, logger: logger)
                runtime.apply(current, logger: logger)
                continue
            }
            logger.notice("draining", metadata: ["signal": "\(signo)", "in_flight": "\(runtime.gateway.server.counters.requestsInFlight)"])
            let (drained, settled) = runtime.stop()
            logger.notice("stopped", metadata: ["drained": "\(drained)", "settlements_flushed": "\(settled)"])
            return
        }
    }

    /// SIGHUP: re-read the file and apply what can change live.
    private func reload(from path: String?, current: SafemutConfig, levelControl: LogLevelControl, logger: Logger) -> SafemutConfig {
        let fresh: SafemutConfig
        do {
            fresh = try SafemutConfig.load(path: path, environment: ProcessInfo.processInfo.environment, cpuCount: ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            logger.error("reload rejected, keeping the running configuration", metadata: ["error": "\(error)"])
            return current
        }
        if let level = Logger.Level(rawValue: fresh.log.level.rawValue) {
            levelControl.set(level)
        }
        let reload = ConfigReload(running: current, file: fresh)
        logger.notice("configuration reloaded", metadata: [
            "log.level": "\(fresh.log.level.rawValue)",
            "changed": "\(reload.changed.joined(separator: ","))",
            "needs_restart": "\(reload.needsRestart.joined(separator: ","))",
        ])
        return reload.running
    }
}
