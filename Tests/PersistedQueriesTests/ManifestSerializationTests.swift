import Foundation
import Kit
import Testing
@testable import PersistedQueries

@Suite("Manifest serialization")
struct ManifestSerializationTests {
    @Test func roundTripsThroughJSON() throws {
        let manifest = try PersistedQueryManifest.parse(Fixtures.manifestBytes)
        let bytes = manifest.jsonBytes()
        #expect(try PersistedQueryManifest.parse(bytes) == manifest)
        // Stable: the same manifest always serializes to the same bytes.
        #expect(manifest.jsonBytes() == bytes)
    }

    @Test func writesApolloLayoutInAFixedMemberOrder() throws {
        let operation = try ManifestOperation(name: "SafeNoop", type: .mutation, body: Fixtures.safeNoopBody)
        let text = String(decoding: PersistedQueryManifest(operations: [operation]).jsonBytes(), as: UTF8.self)
        #expect(text == """
            {
              "format": "apollo-persisted-query-manifest",
              "version": 1,
              "operations": [
                {
                  "id": "\(Fixtures.safeNoopID)",
                  "name": "SafeNoop",
                  "type": "mutation",
                  "body": "mutation SafeNoop {\\n  SafeNoop\\n}"
                }
              ]
            }

            """)
        #expect(String(decoding: PersistedQueryManifest(operations: []).jsonBytes(), as: UTF8.self).contains("\"operations\": []"))
    }

    @Test func escapesStringsSoAnyBodySurvives() throws {
        let body = "query Q { a(s: \"quote \\\" back\\\\slash \\u0001 tab\\t é ☃\") }"
        let operation = try ManifestOperation(name: "Q", type: .query, body: body)
        let parsed = try PersistedQueryManifest.parse(PersistedQueryManifest(operations: [operation]).jsonBytes())
        #expect(parsed.operations[0].body == body)
        #expect(parsed.operations[0].id == operation.id)
        #expect(JSONText.quoted("a\u{01}b\u{1f}\n") == "\"a\\u0001b\\u001f\\n\"")
    }

    @Test func sortedOrdersByNameThenID() throws {
        let b = try ManifestOperation(name: "B", type: .query, body: "query B { b }")
        let a = try ManifestOperation(name: "A", type: .query, body: "query A { a }")
        #expect(PersistedQueryManifest(operations: [b, a]).sorted().operations.map(\.name) == ["A", "B"])
    }

    @Test func operationInitComputesBothHashes() throws {
        let operation = try ManifestOperation(name: "SafeNoop", type: .mutation, body: Fixtures.safeNoopBody)
        #expect(operation.id == Fixtures.safeNoopID)
        #expect(operation.normalizedHash == (try DocumentNormalizer.normalizedHash(source: "mutation SafeNoop{SafeNoop}")))
        #expect(throws: NormalizationError.self) { try ManifestOperation(name: "X", type: .query, body: "not graphql {") }
    }
}
