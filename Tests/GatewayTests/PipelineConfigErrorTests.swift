import Config
import Foundation
import Gateway
import Testing
import TestSupport

/// A configuration the admission chain cannot be built from names the YAML key to edit.
@Suite("Pipeline config errors")
struct PipelineConfigErrorTests {
    static let schema = Binaries.repositoryRoot + "/examples/intelgraph/schema.graphql"

    static func error(_ yaml: String) throws -> PipelineConfigError? {
        let config = try SafemutConfig.parse(yaml: yaml, environment: [:], cpuCount: 2, source: "test.yaml")
        do {
            _ = try ConfiguredPipeline(config)
            return nil
        } catch {
            return error
        }
    }

    @Test("jwt mode without a key names identity.hs256_secret_file and identity.jwks_path")
    func jwtWithoutKey() throws {
        let error = try #require(try Self.error("identity:\n  mode: jwt\nschema:\n  path: \(Self.schema)\n"))
        #expect(error.key == "identity.hs256_secret_file or identity.jwks_path", "\(error)")
        #expect(error.description.contains("jwt mode needs a shared secret"))
    }

    @Test("no schema names schema.path")
    func noSchema() throws {
        let error = try #require(try Self.error("identity:\n  mode: headers\n"))
        #expect(error.key == "schema.path")
    }
}
