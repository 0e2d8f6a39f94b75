import Foundation
import Testing
@testable import PersistedQueries

/// The hash-drift rule: what must and must not change the normalized hash.
@Suite("Normalized document hash")
struct NormalizationTests {
    func hash(_ source: String) throws -> String {
        try DocumentNormalizer.normalizedHash(source: source)
    }

    let base = """
        query GetEntity($id: ID!) {
          entity(id: $id) { id ...Fields }
        }
        fragment Fields on Entity { name kind }
        """

    @Test func reorderedDefinitionsMatch() throws {
        let reordered = """
            fragment Fields on Entity { name kind }
            query GetEntity($id: ID!) {
              entity(id: $id) { id ...Fields }
            }
            """
        #expect(try hash(reordered) == (try hash(base)))
        #expect(DocumentHash.exact(reordered) != DocumentHash.exact(base))
    }

    @Test func severalOperationsAndFragmentsInAnyOrderMatch() throws {
        let a = "query B { b ...F } fragment G on T { g } query A { a ...G } fragment F on T { f }"
        let b = "fragment F on T { f } query A { a ...G } fragment G on T { g } query B { b ...F }"
        #expect(try hash(a) == (try hash(b)))
    }

    @Test func whitespaceAndCommasMatch() throws {
        let squashed = "query GetEntity($id:ID!){entity(id:$id){id,...Fields}}fragment Fields on Entity{name,kind}"
        let spread = "\n\n  query   GetEntity ( $id : ID! )\t{\r\n entity ( id : $id ) {\n id\n\n ...Fields } }\n\nfragment Fields on Entity {\n name\n kind\n }\n"
        #expect(try hash(squashed) == (try hash(base)))
        #expect(try hash(spread) == (try hash(base)))
    }

    @Test func commentsMatch() throws {
        let commented = """
            # fetched by the entity page
            query GetEntity($id: ID!) { # the id
              entity(id: $id) { id ...Fields } # more
            }
            # the fields
            fragment Fields on Entity { name kind }
            """
        #expect(try hash(commented) == (try hash(base)))
    }

    @Test func queryShorthandMatchesTheKeyword() throws {
        #expect(try hash("{ a }") == (try hash("query { a }")))
    }

    @Test func aChangedFieldDoesNotMatch() throws {
        let changed = base.replacingOccurrences(of: "name kind", with: "name secret")
        #expect(try hash(changed) != (try hash(base)))
    }

    @Test(arguments: [
        "query GetEntity($id: ID!) { entity(id: $id) { id ...Fields } } fragment Fields on Entity { kind name }",  // field order
        "query GetEntity($id: ID!) { entity(id: $id) { id ...Fields } } fragment Fields on Entity { name kind extra }",
        "query GetEntity($id: ID) { entity(id: $id) { id ...Fields } } fragment Fields on Entity { name kind }",  // variable type
        "query GetEntity($id: ID! = 1) { entity(id: $id) { id ...Fields } } fragment Fields on Entity { name kind }",
        "query GetEntity($id: ID!) { entity(id: \"1\") { id ...Fields } } fragment Fields on Entity { name kind }",  // argument
        "query GetEntity($id: ID!) { e: entity(id: $id) { id ...Fields } } fragment Fields on Entity { name kind }",  // alias
        "query GetEntity($id: ID!) { entity(id: $id) @skip(if: true) { id ...Fields } } fragment Fields on Entity { name kind }",
        "query Other($id: ID!) { entity(id: $id) { id ...Fields } } fragment Fields on Entity { name kind }",  // operation name
        "mutation GetEntity($id: ID!) { entity(id: $id) { id ...Fields } } fragment Fields on Entity { name kind }",
        "query GetEntity($id: ID!) { entity(id: $id) { id ...Fields } } fragment Fields on Thing { name kind }",
        "query GetEntity($id: ID!) { entity(id: $id) { id ... on Entity { name kind } } }",
    ])
    func semanticChangesDoNotMatch(_ variant: String) throws {
        #expect(try hash(variant) != (try hash(base)))
    }

    @Test func stringContentsAreKeptExactly() throws {
        #expect(try hash(#"{ a(s: "x  y") }"#) != (try hash(#"{ a(s: "x y") }"#)))
        #expect(try hash(##"{ a(s: "# not a comment") }"##) != (try hash(#"{ a(s: "") }"#)))
    }

    @Test func normalizedTextIsCanonical() throws {
        let document = try DocumentNormalizer.parse("fragment F on T { f } query { a ...F }  query Z { z }")
        #expect(try DocumentNormalizer.normalizedText(document) == "query{a ...F}\nquery Z{z}\nfragment F on T{f}")
    }

    static let corpus = [
        "query Q($a: [Int!]! = [1, 2], $b: In = {x: {y: [\"s\", null, ENUM, true, -1.5e3]}}) @dir(x: $a) { f }",
        "{ a: b(c: 1) @skip(if: $x) { ... on T @include(if: true) { d } ...F @dir ... @x { e } ... { g } } }",
        "subscription S { s(arg: \"\"\"block\n  \"quoted\" \\\"\"\" text\"\"\") }",
        "mutation M($i: ID! @deprecated) { m(i: $i, s: \"tab\\t nl\\n uni\\u00e9 ctl\\u0001 quote\\\" bs\\\\\") { id } }",
        "fragment F on T @dir(a: [[1], []]) { f(o: {}) } query { ...F __typename }",
    ]

    /// The canonical form is GraphQL that parses back to a tree printing the same text.
    @Test(arguments: corpus)
    func canonicalTextReparsesToItself(_ source: String) throws {
        let text = try DocumentNormalizer.normalizedText(DocumentNormalizer.parse(source))
        let again = try DocumentNormalizer.normalizedText(DocumentNormalizer.parse(text))
        #expect(again == text)
        #expect(try hash(text) == (try hash(source)))
    }

    @Test func blockAndQuotedStringsOfEqualValueMatch() throws {
        #expect(try hash("{ a(s: \"\"\"x\"\"\") }") == (try hash("{ a(s: \"x\") }")))
        #expect(try hash("{ a(s: \"\\u0041\") }") == (try hash("{ a(s: \"A\") }")))
    }

    @Test func syntaxErrorsCarryLineAndColumn() {
        #expect(throws: NormalizationError.self) { try hash("query {\n  a(\n}") }
        do {
            _ = try hash("query {\n  a(\n}")
        } catch let error as NormalizationError {
            guard case .syntax(_, let line, let column) = error else {
                Issue.record("expected syntax, got \(error)")
                return
            }
            #expect(line == 3 && column == 1)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func typeDefinitionsAndEmptyDocumentsAreRefused() {
        #expect(throws: NormalizationError.self) { try hash("type T { a: Int }") }
        #expect(throws: NormalizationError.noOperation) { try hash("fragment F on T { f }") }
    }

    @Test func nestingScanSkipsStringsAndComments() {
        let limit = 3
        #expect(NestingScan.depth(of: "{ a { b { c } } }", limit: limit) == 3)
        #expect(NestingScan.depth(of: "{ a { b { c { d } } } }", limit: limit) == nil)
        #expect(NestingScan.depth(of: #"{ a(s: "{{{{{{") }"#, limit: limit) == 2)
        #expect(NestingScan.depth(of: "{ a } # {{{{{{{\n", limit: limit) == 1)
        #expect(NestingScan.depth(of: #"{ a(s: """ {{{{ \""" {{{{ """) }"#, limit: limit) == 2)
        #expect(NestingScan.depth(of: #"{ a(s: "esc \" {{{{") }"#, limit: limit) == 2)
        #expect(NestingScan.depth(of: #"{ a(s: "") { b { c } } }"#, limit: limit) == 3)
    }

    @Test func deepButBoundedDocumentsNormalize() throws {
        let depth = DocumentNormalizer.maxNesting - 1
        let source = "query D " + String(repeating: "{ a ", count: depth) + String(repeating: "}", count: depth)
        _ = try hash(source)
        let tooDeep = "query D " + String(repeating: "{ a ", count: depth + 2) + String(repeating: "}", count: depth + 2)
        #expect(throws: NormalizationError.tooDeep(limit: DocumentNormalizer.maxNesting)) { try hash(tooDeep) }
    }

    @Test func introspectionUseFromRootFields() {
        #expect(IntrospectionUse(rootFields: ["entity"]) == .none)
        #expect(IntrospectionUse(rootFields: ["__typename"]) == .none)
        #expect(IntrospectionUse(rootFields: ["__schema"]) == .only)
        #expect(IntrospectionUse(rootFields: ["__type", "__typename"]) == .only)
        #expect(IntrospectionUse(rootFields: ["__schema", "entity"]) == .mixed)
        #expect(IntrospectionUse(rootFields: []) == .none)
    }
}
