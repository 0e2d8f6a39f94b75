import Testing
@testable import Kit

@Suite struct JSONParserTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(bytes(#" {"a": [1, -2.5e3, true, false, null, "x\n\u00e9\ud83d\ude00"], "b": {}} "#))
        #expect(value == .object([
            JSONMember("a", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null, .string("x\né😀")])),
            JSONMember("b", .object([])),
        ]))
    }

    @Test func escapesAndSurrogatePairs() throws {
        let value = try JSONValue.parse(bytes(#"["\"\\\/\b\f\n\r\t", "\u00e9\ud83d\ude00\n\""]"#))
        #expect(value == .array([.string("\"\\/\u{08}\u{0C}\n\r\t"), .string("é😀\n\"")]))
    }

    @Test func numbersStayExact() throws {
        let value = try JSONValue.parse(bytes("[12345678901234567, 1.0, 1.5, 2e2, 9223372036854775808, -0]"))
        let numbers = value.arrayValue ?? []
        #expect(numbers.map(\.int64Value) == [12_345_678_901_234_567, 1, nil, 200, nil, 0])
        #expect(numbers.first == .number("12345678901234567"))
    }

    @Test(arguments: [
        "", "   ", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "+1", ".5", "1e", "tru", "nul", "\"abc", "\"\u{01}\"",
        "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"", "{\"a\" 1}", "{1:2}", "[1 2]", "1 2", "NaN", "'a'",
        #"{"a":01}"#, #"{"a":1}x"#,
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes(text)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError(offset: 3, reason: .invalidUTF8, context: .string)) {
            try JSONValue.parse([0x22, 0xC3, 0x28, 0x22])
        }
    }

    @Test func rejectsDuplicateKeysAtAnyDepth() {
        #expect(throws: JSONParseError(offset: 7, reason: .duplicateMember("a"), context: .memberName)) {
            try JSONValue.parse(bytes(#"{"a":1,"a":2}"#))
        }
        #expect { try JSONValue.parse(bytes(#"{"v":{"ids":[],"ids":[1]}}"#)) } throws: { error in
            (error as? JSONParseError)?.reason == .duplicateMember("ids")
        }
    }

    @Test("a repeated key is found among many members too (the set past 16)", arguments: [3, 16, 17, 40, 5_000])
    func duplicateAmongManyMembers(count: Int) throws {
        let members = (0..<count).map { "\"k\($0)\":\($0)" }
        #expect(try JSONValue.parse(bytes("{" + members.joined(separator: ",") + "}")).objectMembers?.count == count)
        for repeated in [0, count / 2, count - 1] {
            let text = "{" + (members + ["\"k\(repeated)\":0"]).joined(separator: ",") + "}"
            #expect { try JSONValue.parse(bytes(text)) } throws: { error in
                (error as? JSONParseError)?.reason == .duplicateMember("k\(repeated)")
            }
        }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError(offset: 128, reason: .tooDeep(limit: 128), context: .value)) {
            try JSONValue.parse(bytes(deep))
        }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONValue.parse(bytes(ok))) != nil)
    }

    @Test func nestingLimitIsTheCallers() throws {
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: JSONParseError(offset: 16, reason: .tooDeep(limit: 16), context: .value)) {
            try JSONValue.parse(deep, maxNesting: 16)
        }
        #expect(try JSONValue.parse(bytes(#"{"a":{"b":[]}}"#), maxNesting: 3) == .object([JSONMember("a", .object([JSONMember("b", .array([]))]))]))
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes(#"{"a":{"b":[]}}"#), maxNesting: 2) }
    }

    @Test("finiteNumbersOnly refuses what a Double reads as infinity, wherever it is", arguments: ["1e999", "-1e400", "1" + String(repeating: "0", count: 400)])
    func finiteNumbersOnly(number: String) throws {
        let text = #"{"unused":["# + number + "]}"
        #expect(try JSONValue.parse(bytes(text))["unused"] == .array([.number(number)]))
        #expect(throws: JSONParseError(offset: 11, reason: .invalidNumber, context: .number)) {
            try JSONValue.parse(bytes(text), finiteNumbersOnly: true)
        }
    }

    @Test func finiteNumbersOnlyKeepsLargeAndTinyFiniteNumbers() throws {
        let value = try JSONValue.parse(bytes("[1e308, 1e-999, 99999999999999999999, 1.5]"), finiteNumbersOnly: true)
        #expect(value.arrayValue?.compactMap(\.numberText) == ["1e308", "1e-999", "99999999999999999999", "1.5"])
    }

    @Test func serializesBack() throws {
        let text = #"{"a":[1,"x\"y\n",null,true],"b":{"c":-2.5e3}}"#
        #expect(try JSONValue.parse(bytes(text)).serialized == text)
    }

    @Test func accessors() throws {
        let value = try JSONValue.parse(bytes(#"{"s":"x","b":true,"n":2.50,"a":[],"z":null,"o":{}}"#))
        #expect(value["s"]?.stringValue == "x")
        #expect(value["b"]?.boolValue == true)
        #expect(value["n"]?.numberText == "2.50")
        #expect(value["s"]?.numberText == nil)
        #expect(value["z"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value.objectMembers?.map(\.key) == ["s", "b", "n", "a", "z", "o"])
        #expect(value.objectMembers?.map(\.value.typeName) == ["string", "boolean", "number", "array", "null", "object"])
    }
}
