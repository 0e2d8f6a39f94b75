import Foundation
import Testing
import TestSupport

/// Issue 13 item 4 through the real gateway: the rollout guide's allowlist curl works
/// verbatim, opaque ids come back with a warning, other bad ids stay a typed 400.
@Suite("Opaque allowlist ids through the admin API", .serialized)
struct OpaqueAllowlistIDTests {
    @Test("the rollout guide's {\"hashes\":[\"abc123def456\"],\"action\":\"add\"} answers 200 with a warning, and is listed")
    func rolloutGuideCurlVerbatim() async throws {
        try await offPool {
            let pq = try PQStack(phase: "log")
            let added = try pq.admin("POST", "/admin/persisted-queries/allowlist", body: #"{"hashes":["abc123def456"],"action":"add"}"#)
            #expect(added.status == 200, "\(added.text)")
            #expect(added.text.contains(#""changed":["abc123def456"]"#), "\(added.text)")
            #expect(added.text.contains(#""warnings":["\"abc123def456\" is not a 64-hex SHA-256 document hash"#), "\(added.text)")
            let hash = sha256Hex("query Health { health }")
            let plain = try pq.admin("POST", "/admin/persisted-queries/allowlist", body: #"{"hashes":["\#(hash.uppercased())"],"action":"add"}"#)
            #expect(plain.status == 200 && plain.text.contains(#""warnings":[]"#), "\(plain.text)")
            #expect(plain.text.contains(hash), "a hash in uppercase is stored lowercase")
            let report = try pq.admin("GET", "/admin/persisted-queries")
            #expect(report.text.contains(#""count":2"#), "\(report.text)")
            let removed = try pq.admin("POST", "/admin/persisted-queries/allowlist", body: #"{"hashes":["abc123def456"],"action":"remove"}"#)
            #expect(removed.status == 200 && removed.text.contains(#""changed":["abc123def456"]"#), "\(removed.text)")
        }
    }

    @Test(
        "ids outside 1–128 of [A-Za-z0-9_-] are a typed 400 naming the id; nothing is stored",
        arguments: ["has space", "dot.ted", "", String(repeating: "x", count: 129), "semi;colon"])
    func badIDsRefused(_ id: String) async throws {
        try await offPool {
            let pq = try PQStack(phase: "log")
            let refused = try pq.admin("POST", "/admin/persisted-queries/allowlist", body: #"{"hashes":["\#(id)"],"action":"add"}"#)
            #expect(refused.status == 400, "\(refused.text)")
            #expect(refused.text.contains("BAD_REQUEST") && refused.text.contains("is not an allowlist id"), "\(refused.text)")
            #expect(try pq.admin("GET", "/admin/persisted-queries").text.contains(#""count":0"#))
        }
    }

    @Test("a manifest with an opaque id serves its document to a client sending that id, and only that document")
    func opaqueManifestIDServesItsDocument() async throws {
        try await offPool {
            let pq = try PQStack(phase: "enforce")
            let body = "query Entities { entities(limit: 2) { id } }"
            let manifest = #"{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"entities-v1","name":"Entities","type":"query","body":"\#(body)"}]}"#
            let loaded = try pq.admin("POST", "/admin/persisted-queries/allowlist", body: manifest)
            #expect(loaded.status == 200, "\(loaded.text)")
            let byID = try pq.graphQL(graphQLBody(hash: "entities-v1", operationName: "Entities"))
            #expect(byID.status == 200 && byID.text.contains(#""entities":["#), "\(byID.text)")
            // The id admits its own document only: another document sent with it is judged alone.
            let other = try pq.graphQL(graphQLBody(query: "query Health { health }", hash: "entities-v1"))
            #expect(other.status == 403 && other.text.contains("PERSISTED_QUERY_NOT_ALLOWED"), "\(other.text)")
        }
    }
}
