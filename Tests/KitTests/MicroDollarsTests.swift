import Testing
import Kit

@Suite struct MicroDollarsTests {
    @Test func textAndJSONAreExact() {
        #expect(MicroDollars.text(25_000_000) == "25.000000")
        #expect(MicroDollars.text(-1_500_000) == "-1.500000")
        #expect(MicroDollars.json(20_000) == .number("0.020000"))
    }

    @Test(arguments: [
        (JSONValue.number("50"), Int64(50_000_000) as Int64?), (.string("50.5"), 50_500_000), (.number("2.0e1"), 20_000_000),
        (.number("0.0000001"), nil), (.bool(true), nil), (.null, nil), (.number("1e30"), nil),
    ] as [(JSONValue, Int64?)])
    func parse(value: JSONValue, expected: Int64?) {
        #expect(MicroDollars.parse(value) == expected)
    }
}
