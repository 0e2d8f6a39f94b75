import Testing
@testable import GraphQLAnalysis

/// The issue's bad inputs at the HTTP-parameter level, a named test each.
@Suite struct RequestBadInputTests {
    @Test func invalidJSON() {
        #expect(throws: AnalysisError.self) { try RequestParser.parsePOST(body: bytes(#"{"query": "{ a }""#)) }
        do {
            _ = try RequestParser.parsePOST(body: bytes("{query: 1}"))
            Issue.record("accepted invalid JSON")
        } catch {
            guard case .invalidJSON = error.kind else { Issue.record("wrong kind \(error.kind)"); return }
            #expect(error.code == .badRequest)
            #expect(error.httpStatus == 400)
            #expect(error.message.contains("not valid JSON"))
        }
    }

    @Test func emptyBodyIsInvalidJSON() {
        #expect(throws: AnalysisError(.invalidJSON("the body is empty"))) { try RequestParser.parsePOST(body: []) }
    }

    @Test(arguments: [#""mutation { a }""#, "42", "null", "true"])
    func jsonNotAnObject(_ body: String) {
        #expect(throws: AnalysisError(.notAnObject)) { try RequestParser.parsePOST(body: bytes(body)) }
    }

    @Test(arguments: [#"{"query": 1}"#, #"{"query": ["mutation { a }"]}"#, #"{"query": {"text": "{ a }"}}"#, #"{"query": true}"#])
    func queryNotAString(_ body: String) {
        #expect(throws: AnalysisError(.queryNotString)) { try RequestParser.parsePOST(body: bytes(body)) }
    }

    @Test(arguments: [#"{"query": "{ a }", "variables": "{\"ids\":[]}"}"#, #"{"query": "{ a }", "variables": [1]}"#, #"{"query": "{ a }", "variables": 3}"#])
    func variablesNotAnObject(_ body: String) {
        #expect(throws: AnalysisError(.variablesNotObject)) { try RequestParser.parsePOST(body: bytes(body)) }
    }

    @Test func batchArrayIsRefusedClearly() {
        let body = #"[{"query": "mutation { deleteEntity(id: \"1\") }"}, {"query": "mutation { deleteEntity(id: \"2\") }"}]"#
        do {
            _ = try RequestParser.parsePOST(body: bytes(body))
            Issue.record("a batch was accepted")
        } catch {
            #expect(error.kind == .batchNotSupported)
            #expect(error.code == .badRequest)
            #expect(error.message == "batched operations are not supported; send one operation per request")
        }
        #expect(throws: AnalysisError(.batchNotSupported)) { try RequestParser.parsePOST(body: bytes("[]")) }
    }

    @Test func operationNameNotAString() {
        #expect(throws: AnalysisError(.operationNameNotString)) {
            try RequestParser.parsePOST(body: bytes(#"{"query": "{ a }", "operationName": 7}"#))
        }
    }

    @Test func extensionsNotAnObject() {
        #expect(throws: AnalysisError(.extensionsNotObject)) {
            try RequestParser.parsePOST(body: bytes(#"{"query": "{ a }", "extensions": "x"}"#))
        }
    }

    @Test func noQueryAndNoHash() {
        #expect(throws: AnalysisError(.missingQuery)) { try RequestParser.parsePOST(body: bytes("{}")) }
        #expect(throws: AnalysisError(.missingQuery)) { try RequestParser.parsePOST(body: bytes(#"{"query": null}"#)) }
    }

    @Test func duplicateQueryKeyIsRefused() {
        // Two "query" keys could be read differently by us and by the upstream.
        let body = #"{"query": "{ health }", "query": "mutation { deleteEntity(id: \"1\") }"}"#
        #expect(throws: AnalysisError(.duplicateKey("query"))) { try RequestParser.parsePOST(body: bytes(body)) }
    }

    @Test func wellFormedBodyIsTyped() throws {
        let body = #"{"query":"mutation M($ids:[ID!]!){ bulkDeleteEntities(ids:$ids) }","operationName":"M","variables":{"ids":["a","b"]},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}},"other":1}"#
        let request = try RequestParser.parsePOST(body: bytes(body))
        #expect(request.query == "mutation M($ids:[ID!]!){ bulkDeleteEntities(ids:$ids) }")
        #expect(request.operationName == "M")
        #expect(request.variables?["ids"] == .array([.string("a"), .string("b")]))
        #expect(request.persistedQueryHash == "abc")
        #expect(request.transport == .post)
    }

    @Test func hashOnlyRequestIsAccepted() throws {
        let body = #"{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"}}}"#
        let request = try RequestParser.parsePOST(body: bytes(body))
        #expect(request.query == nil)
        #expect(request.persistedQueryHash?.count == 64)
        #expect(throws: AnalysisError(.persistedQueryHashNotString)) {
            try RequestParser.parsePOST(body: bytes(#"{"extensions":{"persistedQuery":{"sha256Hash":5}}}"#))
        }
    }

    @Test func nullVariablesAndOperationNameAreAbsent() throws {
        let request = try RequestParser.parsePOST(body: bytes(#"{"query":"{ a }","variables":null,"operationName":null}"#))
        #expect(request.variables == nil)
        #expect(request.operationName == nil)
    }
}
