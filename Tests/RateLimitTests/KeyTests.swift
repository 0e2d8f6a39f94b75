import Foundation
import Testing
import TestSupport
@testable import RateLimit

/// Bucket keys carry the tenant as a Redis Cluster hash tag.
@Suite("Bucket keys and hash tags")
struct KeyTests {
    /// Redis's rule (cluster.c keyHashSlot): the text between the first `{` and the next `}`,
    /// if not empty; else the whole key.
    static func hashTag(_ key: String) -> String {
        guard let open = key.firstIndex(of: "{") else { return key }
        let rest = key[key.index(after: open)...]
        guard let close = rest.firstIndex(of: "}"), close != rest.startIndex else { return key }
        return String(rest[..<close])
    }

    @Test("the tenant and operation keys of one tenant share the {tenant} tag")
    func sameTag() {
        #expect(RateLimitKeys.tenant("demo") == "safemut:rl:{demo}:t")
        #expect(RateLimitKeys.operation("demo", field: "createEntity") == "safemut:rl:{demo}:op:createEntity")
        #expect(Self.hashTag(RateLimitKeys.tenant("demo")) == "demo")
        #expect(Self.hashTag(RateLimitKeys.operation("demo", field: "createEntity")) == "demo")
    }

    @Test("a tenant with braces cannot break or share the hash tag", arguments: ["a}b", "{x}", "}", "{", "a%7Db", "%"])
    func bracesEscaped(tenant: String) {
        let key = RateLimitKeys.tenant(tenant)
        let op = RateLimitKeys.operation(tenant, field: "createEntity")
        let tag = Self.hashTag(key)
        #expect(!tag.contains("{") && !tag.contains("}"))
        #expect(Self.hashTag(op) == tag)
        #expect(tag.removingPercentEncoding == tenant, "the tag is the whole tenant, reversibly")
    }

    @Test("escaping keeps distinct tenants distinct")
    func injective() {
        let tenants = ["a}b", "a%7Db", "a%257Db", "a{b", "a%7Bb"]
        #expect(Set(tenants.map(RateLimitKeys.tenant)).count == tenants.count)
    }

    @Test("a cluster-mode redis-server puts every key of one request in one slot, braces or not")
    func clusterSlots() async throws {
        let keys = ["demo", "a}b", "{x}"].map { tenant in
            [RateLimitKeys.tenant(tenant), RateLimitKeys.operation(tenant, field: "createEntity"), RateLimitKeys.operation(tenant, field: "deleteEntity")]
        }
        let slots = try await offPool { try ClusterNode.slots(of: keys) }
        for (tenantKeys, tenantSlots) in zip(keys, slots) {
            #expect(Set(tenantSlots).count == 1, "\(tenantKeys) → \(tenantSlots)")
        }
    }
}

/// A one-node `redis-server --cluster-enabled yes`, only to ask `CLUSTER KEYSLOT`.
enum ClusterNode {
    static func slots(of groups: [[String]]) throws -> [[Int]] {
        // Cluster mode also binds a bus port at port + 10000, which must exist (≤ 65535):
        // an ephemeral port above 55535 would let the node listen and then exit.
        var port = Ports.free()
        for _ in 0..<1_000 where port > 55_535 { port = Ports.free() }
        guard port <= 55_535 else { throw HarnessError.setupFailed("no free port below 55536 for a cluster node") }
        let dir = NSTemporaryDirectory() + "safemut-cluster-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try ManagedProcess(
            name: "redis-cluster", executable: "/usr/bin/redis-server",
            arguments: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--cluster-enabled", "yes", "--dir", dir])
        defer { server.stop() }
        try Ports.waitUntilListening(port, process: server)
        return try groups.map { keys in
            try keys.map { key in
                let result = try DataCommand.run("/usr/bin/redis-cli", ["-p", String(port), "CLUSTER", "KEYSLOT", key])
                guard let slot = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    throw HarnessError.setupFailed("CLUSTER KEYSLOT \(key): \(result.output)")
                }
                return slot
            }
        }
    }
}
