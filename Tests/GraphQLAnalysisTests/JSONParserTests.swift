import Testing
@testable import GraphQLAnalysis

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(bytes(#" {"a": [1, -2.5e3, true, false, null, "x\n\u00e9\ud83d\ude00"], "b": {}} "#))
        #expect(value == .object([
            JSONMember("a", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null, .string("x\né😀")])),
            JSONMember("b", .object([])),
        ]))
    }

    @Test func numbersStayExact() throws {
        let value = try JSONParser.parse(bytes("[12345678901234567, 1.0, 1.5, 2e2, 9223372036854775808, -0]"))
        let numbers = value.arrayValue ?? []
        #expect(numbers.map(\.int64Value) == [12_345_678_901_234_567, 1, nil, 200, nil, 0])
        #expect(numbers.first == .number("12345678901234567"))
    }

    @Test(arguments: [
        "", "   ", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "+1", ".5", "1e", "tru", "nul", "\"abc", "\"\u{01}\"",
        "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"", "{\"a\" 1}", "{1:2}", "[1 2]", "1 2", "NaN", "'a'",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: AnalysisError.self) { try JSONParser.parse(bytes(text)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: AnalysisError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func rejectsDuplicateKeysAtAnyDepth() {
        #expect(throws: AnalysisError(.duplicateKey("a"))) { try JSONParser.parse(bytes(#"{"a":1,"a":2}"#)) }
        #expect(throws: AnalysisError(.duplicateKey("ids"))) { try JSONParser.parse(bytes(#"{"v":{"ids":[],"ids":[1]}}"#)) }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: AnalysisError.self) { try JSONParser.parse(bytes(deep)) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONParser.parse(bytes(ok))) != nil)
    }

    @Test func serializesBack() throws {
        let text = #"{"a":[1,"x\"y\n",null,true],"b":{"c":-2.5e3}}"#
        #expect(try JSONParser.parse(bytes(text)).serialized == text)
    }
}
