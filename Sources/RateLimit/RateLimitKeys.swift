/// Redis key names of the buckets: `safemut:rl:{tenant}:t` and `safemut:rl:{tenant}:op:FIELD`.
///
/// The tenant is the hash tag, so every bucket of one request lands in one Cluster slot
/// (the script touches them together). Redis takes the tag from the first `{` to the next
/// `}`, so a tenant holding a brace would split it: `%`, `{` and `}` are percent-encoded,
/// which keeps distinct tenants distinct. (Identity already admits only `[A-Za-z0-9._:-]`;
/// this is the second lock.)
public enum RateLimitKeys {
    public static let prefix = "safemut:rl:"

    public static func tenant(_ tenant: String) -> String {
        prefix + "{" + escape(tenant) + "}:t"
    }

    public static func operation(_ tenant: String, field: String) -> String {
        prefix + "{" + escape(tenant) + "}:op:" + escape(field)
    }

    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") }) else {
            return text
        }
        var escaped = ""
        for character in text {
            switch character {
            case "%": escaped += "%25"
            case "{": escaped += "%7B"
            case "}": escaped += "%7D"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
