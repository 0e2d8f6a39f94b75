/// The shape of a tenant id, the same rule as identities (`[A-Za-z0-9._:-]{1,128}`): tenants
/// end up in Redis keys, metric labels and logs, so the admin API accepts no other.
public enum TenantID {
    public static let maxBytes = 128

    /// The reason `text` is not a tenant id, or nil.
    public static func problem(_ text: String) -> String? {
        let bytes = text.utf8
        if bytes.isEmpty { return "is empty" }
        if bytes.count > maxBytes { return "is longer than \(maxBytes) bytes" }
        for byte in bytes where !allowed(byte) {
            return "may contain only letters, digits and . _ : -"
        }
        return nil
    }

    private static func allowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
