import Foundation

/// A real `intelgraph-demo` and a real `safemut` process on free loopback
/// ports, the gateway configured by a YAML file written for the test.
public final class DemoStack: Sendable {
    public let upstreamPort: Int
    public let gatewayPort: Int
    public let upstream: ManagedProcess
    public let gateway: ManagedProcess
    public let configPath: String

    /// `extraYAML` is appended to the generated config (e.g. `log:\n  level: warning`).
    public init(extraYAML: String = "", environment: [String: String] = [:], upstreamDown: Bool = false) throws {
        upstreamPort = Ports.free()
        let demo = try ManagedProcess(
            name: "intelgraph-demo",
            executable: try Binaries.path("intelgraph-demo"),
            arguments: ["--listen", "127.0.0.1:\(upstreamPort)"])
        upstream = demo
        try Ports.waitUntilListening(upstreamPort, process: demo)
        if upstreamDown { demo.stop() }
        gatewayPort = Ports.free()
        configPath = try ServeConfig.write(Self.yaml(gatewayPort: gatewayPort, upstreamPort: upstreamPort, extra: extraYAML), label: "test")
        var env = ProcessInfo.processInfo.environment
        for key in ["UPSTREAM_URL", "PQ_PHASE", "PQ_BYPASS", "PQ_INTROSPECTION", "DATABASE_URL", "REDIS_URL"] { env[key] = nil }
        env.merge(environment) { _, new in new }
        let safemut = try ManagedProcess.serve(config: configPath, environment: env)
        gateway = safemut
        try Ports.waitUntilListening(gatewayPort, process: safemut)
    }

    /// Rewrites the config file (for SIGHUP tests).
    public func rewriteConfig(extraYAML: String) throws {
        try Self.yaml(gatewayPort: gatewayPort, upstreamPort: upstreamPort, extra: extraYAML)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The gateway's config: loopback ports, headers identity, the demo schema.
    public static func yaml(gatewayPort: Int, upstreamPort: Int, extra: String) -> String {
        """
        listen: 127.0.0.1:\(gatewayPort)
        upstream:
          url: http://127.0.0.1:\(upstreamPort)
          read_timeout_ms: 5000
        server:
          event_loops: 2
          drain_timeout_ms: 10000
        identity:
          mode: headers
          default_user: test-user
        schema:
          path: \(Binaries.repositoryRoot)/examples/intelgraph/schema.graphql
        \(extra)
        """
    }

    deinit {
        gateway.stop()
        upstream.stop()
        try? FileManager.default.removeItem(atPath: configPath)
    }
}
