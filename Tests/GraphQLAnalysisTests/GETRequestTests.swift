import Testing
@testable import GraphQLAnalysis

@Suite struct GETRequestTests {
    @Test func decodesParameters() throws {
        let request = try RequestParser.parseGET(
            query: "query=query+Q(%24id%3A+ID!)+%7B+entity(id%3A+%24id)+%7B+name+%7D+%7D&operationName=Q&variables=%7B%22id%22%3A%22e1%22%7D"
        )
        #expect(request.query == "query Q($id: ID!) { entity(id: $id) { name } }")
        #expect(request.operationName == "Q")
        #expect(request.variables?["id"] == .string("e1"))
        #expect(request.transport == .get)
    }

    @Test func badPercentEncodingIsRefused() {
        #expect(throws: AnalysisError.self) { try RequestParser.parseGET(query: "query=%7") }
        #expect(throws: AnalysisError.self) { try RequestParser.parseGET(query: "query=%zz") }
        #expect(throws: AnalysisError.self) { try RequestParser.parseGET(query: "query=%C3%28") }
    }

    @Test func repeatedParameterIsRefused() {
        #expect(throws: AnalysisError(.invalidQueryString("the parameter \"query\" is repeated"))) {
            try RequestParser.parseGET(query: "query=%7Ba%7D&query=%7Bb%7D")
        }
    }

    @Test func variablesMustBeAnObject() {
        #expect(throws: AnalysisError(.variablesNotObject)) { try RequestParser.parseGET(query: "query=%7Ba%7D&variables=%5B%5D") }
        #expect(throws: AnalysisError.self) { try RequestParser.parseGET(query: "query=%7Ba%7D&variables=%7Bx") }
    }

    @Test func mutationOverGETIsRefusedWith405() throws {
        let request = try RequestParser.parseGET(query: "query=mutation+%7B+SafeNoop+%7D")
        let cache = DocumentCache(capacity: 8)
        do {
            _ = try cache.analyze(request)
            Issue.record("a mutation over GET was accepted")
        } catch {
            #expect(error.kind == .mutationOverGET)
            #expect(error.httpStatus == 405)
            #expect(error.code == .methodNotAllowed)
        }
        // The same document over POST is fine, and a query over GET is fine.
        var post = request
        post.transport = .post
        #expect(try cache.analyze(post).kind == .mutation)
        let query = try RequestParser.parseGET(query: "query=%7B+health+%7D")
        #expect(try cache.analyze(query).kind == .query)
    }
}
