import Testing
@testable import GraphQLAnalysis

@Suite struct DocumentCacheTests {
    @Test func hitsAndMissesAreCounted() throws {
        let cache = DocumentCache(capacity: 8)
        let first = try cache.document(for: "mutation { SafeNoop }")
        let again = try cache.document(for: "mutation { SafeNoop }")
        #expect(cache.misses == 1)
        #expect(cache.hits == 1)
        #expect(first.hash == again.hash)
        _ = try cache.document(for: "{ health }")
        #expect(cache.misses == 2)
        #expect(cache.count == 2)
    }

    @Test func failuresAreNotCached() {
        let cache = DocumentCache(capacity: 8)
        for _ in 0..<3 {
            #expect(throws: AnalysisError.self) { try cache.document(for: "mutation {") }
        }
        #expect(cache.count == 0)
        #expect(cache.misses == 3)
    }

    @Test func leastRecentlyUsedIsEvicted() throws {
        let cache = DocumentCache(capacity: 2)
        _ = try cache.document(for: "{ a }")
        _ = try cache.document(for: "{ b }")
        _ = try cache.document(for: "{ a }")  // a is now the most recent
        _ = try cache.document(for: "{ c }")  // evicts b
        #expect(cache.count == 2)
        let misses = cache.misses
        _ = try cache.document(for: "{ a }")
        #expect(cache.misses == misses)
        _ = try cache.document(for: "{ b }")
        #expect(cache.misses == misses + 1)
    }

    @Test func lruStoreOrder() {
        var store = LRUStore<Int, String>(capacity: 3)
        for key in 1...3 { store.insert("\(key)", for: key) }
        #expect(store.keysByRecency == [3, 2, 1])
        #expect(store.value(for: 1) == "1")
        #expect(store.keysByRecency == [1, 3, 2])
        store.insert("4", for: 4)
        #expect(store.keysByRecency == [4, 1, 3])
        #expect(store.value(for: 2) == nil)
        store.insert("one", for: 1)
        #expect(store.keysByRecency == [1, 4, 3])
        #expect(store.count == 3)
        // Many more inserts than slots: the store stays bounded and consistent.
        for key in 10..<1_000 { store.insert("\(key)", for: key) }
        #expect(store.keysByRecency == [999, 998, 997])
    }

    @Test func cachedDocumentsAreCheckedAgainstTighterLimits() throws {
        let cache = DocumentCache(capacity: 8)
        let deep = "query { a { b { c { d } } } }"
        #expect(try cache.document(for: deep).deepest == 4)
        #expect(throws: AnalysisError(.depthLimit(depth: 4, limit: 3))) { try cache.document(for: deep, limits: AnalysisLimits(maxDepth: 3)) }
        #expect(throws: AnalysisError(.documentTooLarge(bytes: deep.utf8.count, limit: 10))) {
            try cache.document(for: deep, limits: AnalysisLimits(maxDocumentBytes: 10))
        }
    }

    @Test func concurrentUseIsSafe() async throws {
        let cache = DocumentCache(capacity: 16)
        let documents = (0..<32).map { "mutation M\($0) { SafeNoop }" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for round in 0..<200 {
                        let query = documents[(worker * 7 + round) % documents.count]
                        let operation = try cache.analyze(GraphQLRequest(query: query))
                        guard operation.rootFields.first?.name == "SafeNoop" else { throw AnalysisError(.noOperation) }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(cache.hits + cache.misses == 8 * 200)
        #expect(cache.count <= 16)
    }
}
