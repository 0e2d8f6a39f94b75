// Value kinds of the `rate.*` section: refill rates, bursts, tenant lists, and the
// summaries `describedSettings()` shows for the per-tenant override keys.

extension ValueCodec where Value == TokenRate {
    /// Tokens per second, whole or with up to six decimals (`2`, `0.5`).
    static var tokenRate: Self {
        Self(
            expected: "tokens per second from 0.000001 to 1000000 (at most six decimals)",
            parse: TokenRate.init(parsing:),
            render: \.description
        )
    }
}

extension ValueCodec where Value == Int {
    /// Whole tokens a bucket holds when full.
    static var burst: Self { integer(1...1_000_000) }
}

extension ValueCodec where Value == [String] {
    /// A YAML list (or, from the environment, a comma-separated list) of tenant ids.
    static var tenantList: Self {
        names(expected: "a list of tenant ids (letters, digits, '.', '_', ':' or '-')", skippingEmpty: false)
    }

    /// Comma-separated names in the tenant alphabet; `skippingEmpty` drops empty items
    /// instead of refusing them.
    private static func names(expected: String, skippingEmpty: Bool) -> Self {
        Self(
            expected: expected,
            parse: { text in
                let names = text.split(separator: ",", omittingEmptySubsequences: skippingEmpty)
                    .map { String($0).trimmingSpaces() }
                guard names.allSatisfy(isTenantName) else { return nil }
                return names
            },
            render: { $0.joined(separator: ",") }
        )
    }
}

extension ValueCodec where Value == [String] {
    /// A YAML list (or a comma-separated environment value) of names such as environments.
    static var nameList: Self {
        names(expected: "a list of names (letters, digits, '.', '_', ':' or '-')", skippingEmpty: true)
    }
}

/// The tenant alphabet of identity (`[A-Za-z0-9._:-]{1,128}`), so an override or canary
/// entry that could never match a caller fails at load instead of doing nothing.
func isTenantName(_ text: String) -> Bool {
    let bytes = text.utf8
    return !bytes.isEmpty && bytes.count <= 128 && bytes.allSatisfy { byte in
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: ":"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
