/// The shapes accepted for tenant ids, subjects and role names, from tokens and headers alike.
///
/// Tenants end up in Redis keys (`{tenant}` hash tags), SQL parameters, metric labels and
/// logs, and roles are forwarded as a comma-separated header, so both are held to a small
/// alphabet; subjects only have to be free of control characters.
public enum IdentifierRules {
    public static let tenantMaxBytes = 128
    static let subjectMaxBytes = 256
    static let roleMaxBytes = 64
    static let maxRoles = 64

    /// `[A-Za-z0-9._:-]{1,128}`; the reason when not.
    public static func tenantProblem(_ tenant: String) -> String? {
        symbolProblem(tenant, limit: tenantMaxBytes)
    }

    /// 1–256 bytes without control characters; the reason when not.
    static func subjectProblem(_ subject: String) -> String? {
        let bytes = subject.utf8
        if bytes.isEmpty { return "is empty" }
        if bytes.count > subjectMaxBytes { return "is longer than \(subjectMaxBytes) bytes" }
        if subject.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "contains a control character"
        }
        return nil
    }

    /// `[A-Za-z0-9._:-]{1,64}`; the reason when not.
    static func roleProblem(_ role: String) -> String? {
        symbolProblem(role, limit: roleMaxBytes)
    }

    private static func symbolProblem(_ text: String, limit: Int) -> String? {
        let bytes = text.utf8
        if bytes.isEmpty { return "is empty" }
        if bytes.count > limit { return "is longer than \(limit) bytes" }
        for byte in bytes where !isSymbolByte(byte) {
            return "may contain only letters, digits and . _ : -"
        }
        return nil
    }

    private static func isSymbolByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
