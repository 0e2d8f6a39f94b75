import Testing
@testable import PersistedQueries

/// The pure diff behind `safemut pq sync` and its printed form.
@Suite("Allowlist diff")
struct AllowlistDiffTests {
    let getEntity = try! ManifestOperation(name: "GetEntity", type: .query, body: "query GetEntity { entity { id } }")
    let getEntityReformatted = try! ManifestOperation(name: "GetEntity", type: .query, body: "query GetEntity {\n  entity {\n    id\n  }\n}\n")
    let getEntityChanged = try! ManifestOperation(name: "GetEntity", type: .query, body: "query GetEntity { entity { id name } }")
    let other = try! ManifestOperation(name: "Other", type: .mutation, body: "mutation Other { other }")

    func live(_ operations: [ManifestOperation], bare: [String] = []) -> [AllowlistEntry] {
        operations.map {
            AllowlistEntry(hash: $0.id, normalizedHash: $0.normalizedHash, operationName: $0.name, operationType: $0.type, source: "manifest")
        } + bare.map { AllowlistEntry(hash: $0) }
    }

    @Test func identicalSetsHaveNoChanges() {
        let diff = AllowlistDiff(live: live([getEntity, other]), manifest: PersistedQueryManifest(operations: [other, getEntity]))
        #expect(diff.isEmpty && diff.drift.isEmpty && diff.unchanged == 2)
        #expect(diff.renderedLines().isEmpty)
        #expect(diff.summary == "0 to add, 0 to remove, 0 drifted, 2 unchanged")
    }

    @Test func reformattedDocumentIsDriftOfTheSameDocument() {
        let diff = AllowlistDiff(live: live([getEntity]), manifest: PersistedQueryManifest(operations: [getEntityReformatted]))
        #expect(diff.added == [getEntityReformatted])
        #expect(diff.removed.map(\.hash) == [getEntity.id])
        #expect(diff.drift == [AllowlistDrift(operationName: "GetEntity", liveHash: getEntity.id, manifestHash: getEntityReformatted.id, sameNormalizedDocument: true)])
    }

    @Test func changedDocumentUnderTheSameNameIsDriftOfAChangedDocument() {
        let diff = AllowlistDiff(live: live([getEntity]), manifest: PersistedQueryManifest(operations: [getEntityChanged]))
        #expect(diff.drift == [AllowlistDrift(operationName: "GetEntity", liveHash: getEntity.id, manifestHash: getEntityChanged.id, sameNormalizedDocument: false)])
    }

    @Test func bareHashesAreRemovedAndNeverDrift() {
        let bare = DocumentHash.exact("something")
        let diff = AllowlistDiff(live: live([], bare: [bare]), manifest: PersistedQueryManifest(operations: [other]))
        #expect(diff.added == [other] && diff.removed.map(\.hash) == [bare] && diff.drift.isEmpty)
        #expect(diff.renderedLines() == [
            "+ \(other.id) mutation Other",
            "- \(bare) - (hash only)",
        ])
    }

    @Test func renderedLinesShowEveryKind() {
        let diff = AllowlistDiff(live: live([getEntity, other]), manifest: PersistedQueryManifest(operations: [getEntityReformatted]))
        #expect(diff.renderedLines() == [
            "+ \(getEntityReformatted.id) query GetEntity",
            "- \(getEntity.id) query GetEntity",
            "- \(other.id) mutation Other",
            "~ GetEntity \(getEntity.id) -> \(getEntityReformatted.id) (same document, reformatted)",
        ])
        #expect(diff.summary == "1 to add, 2 to remove, 1 drifted, 0 unchanged")
    }
}
