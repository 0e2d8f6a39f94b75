import IntelGraphDemo
import Testing

@Suite struct MicroUSDTests {
    @Test(arguments: [
        ("0.02", Int64(20_000)), ("6.00", 6_000_000), ("6", 6_000_000), ("0.001", 1_000),
        ("0.000001", 1), ("123.456789", 123_456_789), ("-0.5", -500_000),
    ])
    func parsesPlainDecimalsExactly(text: String, micros: Int64) throws {
        #expect(try MicroUSD(parsing: text).micros == micros)
    }

    @Test(arguments: ["", ".5", "1.", "1e3", "0x10", "+1", "1_000", "0.0000001", "1.2.3", " 1", "١"])
    func refusesAnythingButPlainDecimals(text: String) {
        #expect(throws: DemoError.invalidDecimal(text)) { try MicroUSD(parsing: text) }
    }

    @Test(arguments: [
        (Int64(0), "0.000000"), (1, "0.000001"), (800, "0.000800"), (16_000, "0.016000"),
        (4_800_000, "4.800000"), (-1_500_000, "-1.500000"), (Int64.min, "-9223372036854.775808"),
    ])
    func formatsWithExactlySixDecimals(micros: Int64, text: String) {
        #expect(MicroUSD(micros: micros).decimalString == text)
    }

    /// The float artefact this type exists to avoid: 0.1 + 0.2.
    @Test func sumsAreExact() throws {
        let sum = try MicroUSD(parsing: "0.1").micros + MicroUSD(parsing: "0.2").micros
        #expect(MicroUSD(micros: sum).decimalString == "0.300000")
    }
}
