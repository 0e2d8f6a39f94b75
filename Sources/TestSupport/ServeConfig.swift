import Foundation

/// Gateway configuration files for tests that start `safemut serve` themselves.
public enum ServeConfig {
    /// Writes `yaml` to a new file in the temporary directory, named after `label`; its path
    /// (the caller removes it).
    public static func write(_ yaml: String, label: String) throws -> String {
        let path = NSTemporaryDirectory() + "safemut-\(label)-\(UUID().uuidString.prefix(8)).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The least a gateway starts on: loopback `port`, headers identity and the demo schema,
    /// then `extra`.
    public static func minimal(port: Int, extra: String = "") -> String {
        """
        listen: 127.0.0.1:\(port)
        identity:
          mode: headers
        schema:
          path: \(Binaries.repositoryRoot)/examples/intelgraph/schema.graphql
        \(extra)
        """
    }
}

extension ManagedProcess {
    /// The built `safemut serve --config path`, with `environment` (nil: this process's).
    public static func serve(config path: String, environment: [String: String]? = nil, name: String = "safemut") throws -> ManagedProcess {
        try ManagedProcess(name: name, executable: try Binaries.path("safemut"), arguments: ["serve", "--config", path], environment: environment)
    }
}
