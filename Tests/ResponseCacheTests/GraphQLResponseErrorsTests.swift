import Testing
@testable import ResponseCache

@Suite struct GraphQLResponseErrorsTests {
    @Test(arguments: [
        (#"{"data":{"a":1}}"#, false),
        (#"{"data":{"a":1},"errors":null}"#, false),
        (#"{"data":null,"errors":[{"message":"boom"}]}"#, true),
        (#"{"data":{"a":1},"errors":[]}"#, true),
        (#"[{"data":{}}]"#, true),
        (#"{"data":"#, true),
        ("", true),
    ])
    func readsTheTopLevelErrorsMember(_ text: String, _ expected: Bool) {
        #expect(GraphQLResponseErrors.present(in: body(text)) == expected)
    }

    @Test func errorsNestedInDataDoNotCount() {
        #expect(!GraphQLResponseErrors.present(in: body(#"{"data":{"errors":[1]}}"#)))
    }
}
