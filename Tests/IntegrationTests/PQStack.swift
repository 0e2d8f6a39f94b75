import Foundation
import Crypto
import TestSupport

/// A migrated database, Redis and a safemut + intelgraph-demo stack with the allowlist
/// store configured; a unique `ENVIRONMENT` keeps each test's Redis keys apart.
struct PQStack {
    let stack: DemoStack
    let databaseURL: String
    let redisURL: String
    let environment: String

    static func migratedDatabase() throws -> String {
        let url = try DataServers.freshDatabase(prefix: "pqgw")
        let migrated = try DataStoreWiringTests.migrate([], databaseURL: url)
        guard migrated.status == 0 else { throw PQStackError.migration(migrated.output) }
        return url
    }

    init(phase: String, extraYAML: String = "", databaseURL: String? = nil, environment: String? = nil) throws {
        self.databaseURL = try databaseURL ?? Self.migratedDatabase()
        self.redisURL = try DataServers.sharedRedis().url
        self.environment = environment ?? "pqtest-\(UUID().uuidString.prefix(8))"
        stack = try DemoStack(
            extraYAML: extraYAML,
            environment: [
                "DATABASE_URL": self.databaseURL, "REDIS_URL": redisURL, "ENVIRONMENT": self.environment, "PQ_PHASE": phase,
            ])
    }

    var port: Int { stack.gatewayPort }

    /// One request on a fresh connection.
    func request(_ method: String, _ target: String, body: String = "", headers: [String: String] = [:]) throws -> RawHTTPClient.Response {
        try RawHTTPClient.exchange(port: port, method, target, body: body, headers: headers)
    }

    /// `POST /graphql` as tenant `tenant`.
    func graphQL(_ json: String, tenant: String = "demo") throws -> RawHTTPClient.Response {
        try request("POST", "/graphql", body: json, headers: ["X-Tenant": tenant])
    }

    /// An admin call with headers-mode identity `roles`.
    func admin(_ method: String, _ path: String, body: String = "", roles: String = "security_admin", extra: [String: String] = [:]) throws -> RawHTTPClient.Response {
        var headers = ["X-Tenant": "ops", "X-User-Id": "sec-1", "X-Roles": roles]
        headers.merge(extra) { _, new in new }
        return try request(method, path, body: body, headers: headers)
    }
}

enum PQStackError: Error {
    case migration(String)
}

/// JSON text for a GraphQL request body.
func graphQLBody(query: String? = nil, hash: String? = nil, operationName: String? = nil) -> String {
    var object: [String: Any] = [:]
    if let query { object["query"] = query }
    if let operationName { object["operationName"] = operationName }
    if let hash { object["extensions"] = ["persistedQuery": ["version": 1, "sha256Hash": hash]] }
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

func sha256Hex(_ text: String) -> String {
    SHA256Digest.hex(Array(text.utf8))
}

/// An Apollo persisted-query manifest holding `operations` (name, type, body).
func manifestJSON(_ operations: [(name: String, type: String, body: String)]) -> String {
    let list = operations.map { ["id": sha256Hex($0.body), "name": $0.name, "type": $0.type, "body": $0.body] }
    let object: [String: Any] = ["format": "apollo-persisted-query-manifest", "version": 1, "operations": list]
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}
