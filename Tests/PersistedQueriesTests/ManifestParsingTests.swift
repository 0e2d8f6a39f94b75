import Kit
import Testing
@testable import PersistedQueries

/// The manifest reader: the good case, and each bad input of issue 6 with its own test.
@Suite("Manifest parsing")
struct ManifestParsingTests {
    func parse(_ text: String, limits: ManifestLimits = ManifestLimits()) throws(ManifestError) -> PersistedQueryManifest {
        try PersistedQueryManifest.parse(Array(text.utf8), limits: limits)
    }

    func error(_ text: String, limits: ManifestLimits = ManifestLimits()) -> ManifestError? {
        do {
            _ = try parse(text, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsTheFixtureManifest() throws {
        let manifest = try parse(Fixtures.manifest)
        #expect(manifest.operations.count == 2)
        let first = manifest.operations[0]
        #expect(first.id == Fixtures.getEntityID)
        #expect(first.name == "GetEntity")
        #expect(first.type == .query)
        #expect(first.body == Fixtures.getEntityBody)
        #expect(first.normalizedHash == (try DocumentNormalizer.normalizedHash(source: Fixtures.getEntityBody)))
        #expect(manifest.operations[1].type == .mutation)
    }

    @Test func emptyOperationsIsAValidManifest() throws {
        let manifest = try parse(#"{"format":"apollo-persisted-query-manifest","version":1,"operations":[]}"#)
        #expect(manifest.operations.isEmpty)
    }

    @Test func malformedManifestNotJSON() {
        guard case .invalidJSON = error(#"{"format":"apollo-persisted-query-manifest","version":1,"operations":["#) else {
            Issue.record("expected invalidJSON")
            return
        }
        guard case .invalidJSON = error("") else {
            Issue.record("expected invalidJSON for empty input")
            return
        }
    }

    @Test func malformedManifestNotAnObject() {
        #expect(error("[1,2,3]") == .notAnObject)
        #expect(error("\"apollo-persisted-query-manifest\"") == .notAnObject)
    }

    @Test func malformedManifestWrongFormat() {
        #expect(error(#"{"format":"relay","version":1,"operations":[]}"#) == .wrongFormat(found: "relay"))
        #expect(error(#"{"version":1,"operations":[]}"#) == .wrongFormat(found: nil))
        #expect(error(#"{"format":7,"version":1,"operations":[]}"#) == .wrongFormat(found: "7"))
    }

    @Test func malformedManifestWrongVersion() {
        #expect(error(#"{"format":"apollo-persisted-query-manifest","version":2,"operations":[]}"#) == .unsupportedVersion(found: "2"))
        #expect(error(#"{"format":"apollo-persisted-query-manifest","version":"1","operations":[]}"#) == .unsupportedVersion(found: "\"1\""))
        // `true` must not pass for 1, as it would through JSONSerialization.
        #expect(error(#"{"format":"apollo-persisted-query-manifest","version":true,"operations":[]}"#) == .unsupportedVersion(found: "true"))
        #expect(error(#"{"format":"apollo-persisted-query-manifest","operations":[]}"#) == .unsupportedVersion(found: nil))
    }

    @Test func malformedManifestMissingOperations() {
        #expect(error(#"{"format":"apollo-persisted-query-manifest","version":1}"#) == .missingField(index: nil, field: "operations"))
        #expect(error(#"{"format":"apollo-persisted-query-manifest","version":1,"operations":{}}"#)
            == .wrongFieldType(index: nil, field: "operations", expected: "an array"))
    }

    @Test func malformedManifestOperationNotAnObject() {
        let text = #"{"format":"apollo-persisted-query-manifest","version":1,"operations":["query { a }"]}"#
        #expect(error(text) == .wrongFieldType(index: 0, field: "operations[0]", expected: "an object"))
    }

    @Test(arguments: ["id", "name", "type", "body"])
    func malformedManifestMissingField(_ field: String) {
        var members = [
            "id": "\"\(Fixtures.safeNoopID)\"", "name": "\"SafeNoop\"", "type": "\"mutation\"",
            "body": JSONText.quoted(Fixtures.safeNoopBody),
        ]
        members[field] = nil
        let object = members.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
        let good = Fixtures.manifestJSON([(name: "A", type: "query", body: "query A { a }")])
        let text = good.replacingOccurrences(of: "]}", with: ",{\(object)}]}")
        let found = error(text)
        #expect(found == .missingField(index: 1, field: field))
        #expect(found?.operationIndex == 1)
        #expect(found?.description.contains("operations[1]") == true)
    }

    @Test func malformedManifestFieldOfWrongType() {
        let text = #"{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"x","name":5,"type":"query","body":"{ a }"}]}"#
        #expect(error(text) == .wrongFieldType(index: 0, field: "name", expected: "a string"))
    }

    @Test(arguments: [
        String(repeating: "A", count: 64),  // hex in uppercase is not the canonical form of a hash
        "",
        "has space",
        "dot.ted",
        "ünicode",
        String(repeating: "a", count: 129),  // past Apollo's 128
    ])
    func malformedManifestID(_ id: String) {
        let text = Fixtures.manifestJSON([(name: "A", type: "query", body: "query A { a }", id: id)])
        #expect(error(text) == .invalidID(index: 0, id: id))
    }

    /// Issue 13 item 4: ids are opaque as in Apollo's manifests. Any 1–128 of
    /// `[A-Za-z0-9_-]` that is not 64 hex is kept exactly and need not hash the body.
    @Test(arguments: [
        "abc123def456",  // the rollout guide's id
        String(repeating: "g", count: 64),
        String(repeating: "a", count: 63),
        String(repeating: "a", count: 65),
        "Entities_v2-prod",
        String(repeating: "Z", count: 128),
    ])
    func opaqueManifestIDsLoad(_ id: String) throws {
        let text = Fixtures.manifestJSON([(name: "A", type: "query", body: "query A { a }", id: id)])
        let manifest = try parse(text)
        #expect(manifest.operations.first?.id == id)
    }

    @Test func allowlistIDShapes() {
        #expect(DocumentHash.allowlistID("abc123def456") == "abc123def456")
        #expect(DocumentHash.allowlistID("AbC-1_x") == "AbC-1_x", "opaque ids keep their case")
        let upperHash = String(repeating: "AB", count: 32)
        #expect(DocumentHash.allowlistID(upperHash) == upperHash.lowercased(), "a hash is matched in any case")
        #expect(DocumentHash.allowlistID("") == nil)
        #expect(DocumentHash.allowlistID("a b") == nil)
        #expect(DocumentHash.allowlistID(String(repeating: "x", count: 129)) == nil)
    }

    @Test func manifestWhoseIDDoesNotMatchItsBody() {
        // A real SHA-256 of a different body: well formed, but not this body's.
        let otherID = Fixtures.safeNoopID
        let body = "query A { a }"
        let text = Fixtures.manifestJSON([
            (name: "SafeNoop", type: "mutation", body: Fixtures.safeNoopBody, id: nil),
            (name: "A", type: "query", body: body, id: otherID),
        ])
        let found = error(text)
        #expect(found == .idMismatch(index: 1, id: otherID, computed: DocumentHash.exact(body)))
        #expect(found?.operationIndex == 1)
    }

    @Test func manifestWhoseBodyWasEditedAfterHashing() {
        // Same id, one byte of whitespace added to the body: exact ids cover exact bytes.
        let id = Fixtures.safeNoopID
        let text = Fixtures.manifestJSON([(name: "SafeNoop", type: "mutation", body: Fixtures.safeNoopBody + " ", id: id)])
        guard case .idMismatch(0, id, _) = error(text) else {
            Issue.record("expected idMismatch at 0")
            return
        }
    }

    @Test func manifestWithDuplicateIDs() {
        let body = "query A { a }"
        let text = Fixtures.manifestJSON([
            (name: "A", type: "query", body: body), (name: "B", type: "query", body: "query B { b }"),
            (name: "A", type: "query", body: body),
        ])
        #expect(error(text) == .duplicateID(index: 2, id: DocumentHash.exact(body), firstIndex: 0))
    }

    @Test func manifestWithUnknownOperationType() {
        let text = Fixtures.manifestJSON([(name: "A", type: "Query", body: "query A { a }")])
        #expect(error(text) == .unknownOperationType(index: 0, type: "Query"))
    }

    @Test func manifestWithBodyThatIsNotGraphQL() {
        let text = Fixtures.manifestJSON([(name: "A", type: "query", body: "query A { a ")])
        guard case .invalidBody(0, .syntax(_, let line, let column)) = error(text) else {
            Issue.record("expected a syntax error in operation 0")
            return
        }
        #expect(line == 1 && column > 0)
    }

    @Test func manifestWithTypeDefinitionInBody() {
        let body = "query A { a }\ntype Evil { x: Int }"
        let text = Fixtures.manifestJSON([(name: "A", type: "query", body: body)])
        guard case .invalidBody(0, .notExecutable) = error(text) else {
            Issue.record("expected notExecutable")
            return
        }
    }

    @Test func manifestWithNameOrTypeNotInBody() {
        let wrongName = Fixtures.manifestJSON([(name: "B", type: "query", body: "query A { a }")])
        #expect(error(wrongName) == .operationNotInBody(index: 0, name: "B", type: .query))
        let wrongType = Fixtures.manifestJSON([(name: "A", type: "mutation", body: "query A { a }")])
        #expect(error(wrongType) == .operationNotInBody(index: 0, name: "A", type: .mutation))
    }

    @Test func manifestWithAHugelyNestedBodyIsRefusedNotCrashed() {
        // 1 MB of nesting would overflow the recursive parser's stack; it is refused first.
        let depth = 250_000
        let body = "query A " + String(repeating: "{a", count: depth) + String(repeating: "}", count: depth)
        let text = Fixtures.manifestJSON([(name: "A", type: "query", body: body)])
        #expect(error(text) == .invalidBody(index: 0, reason: .tooDeep(limit: DocumentNormalizer.maxNesting)))
    }

    @Test func manifestOverTheLimits() {
        let text = Fixtures.manifestJSON([(name: "A", type: "query", body: "query A { a }"), (name: "B", type: "query", body: "query B { b }")])
        #expect(error(text, limits: ManifestLimits(maxBytes: 10)) == .tooLarge(bytes: text.utf8.count, limit: 10))
        #expect(error(text, limits: ManifestLimits(maxOperations: 1)) == .tooManyOperations(count: 2, limit: 1))
    }

    @Test func anonymousOperationHasAnEmptyName() throws {
        let manifest = try parse(Fixtures.manifestJSON([(name: "", type: "query", body: "{ a }")]))
        #expect(manifest.operations[0].name == "")
    }
}
