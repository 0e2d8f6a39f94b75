import Testing
@testable import Kit

@Suite struct DecimalTextTests {
    @Test(arguments: [
        ("0.02", Int64(20_000)), ("0.001", 1_000), ("6.00", 6_000_000), ("1", 1_000_000), ("0", 0), ("0.000001", 1),
        ("0.0200000", 20_000), ("1e3", 1_000_000_000), ("2.5E-3", 2_500), ("-1.50", -1_500_000), ("10000", 10_000_000_000),
        ("9223372036854.775807", Int64.max),
    ])
    func exactMillionths(_ text: String, _ expected: Int64) {
        #expect(DecimalText.millionths(text) == .success(expected))
    }

    @Test(arguments: ["0.0000001", "0.1234567", "1e-7"])
    func moreThanSixDecimals(_ text: String) {
        #expect(DecimalText.millionths(text) == .failure(.tooManyDecimals))
    }

    @Test(arguments: ["9223372036855", "1e30", "99999999999999999999"])
    func outOfRange(_ text: String) {
        #expect(DecimalText.millionths(text) == .failure(.outOfRange))
    }

    @Test(arguments: ["", "abc", "1.", ".5", "1..2", "1e", "--1", "0x10", "1_000", "+1"])
    func malformed(_ text: String) {
        #expect(DecimalText.millionths(text) == .failure(.malformed))
    }

    @Test func formatsSixPlaces() {
        #expect(DecimalText.format(millionths: 20_000) == "0.020000")
        #expect(DecimalText.format(millionths: -1_500_000) == "-1.500000")
        #expect(DecimalText.format(millionths: 10_000_000_000) == "10000.000000")
    }
}
