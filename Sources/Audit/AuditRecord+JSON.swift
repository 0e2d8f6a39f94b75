import Kit

extension AuditRecord {
    /// The row as the admin API shows it (snake_case, the table's column names; hashes in hex).
    public var json: JSONValue {
        .object([
            JSONMember("seq", .number(String(seq))),
            JSONMember("created_at", .string(createdAt)),
            JSONMember("action", .string(action)),
            JSONMember("created_by", .string(createdBy)),
            JSONMember("tenant_id", tenant.map { .string($0) } ?? .null),
            JSONMember("correlation_id", correlationID.map { .string($0) } ?? .null),
            JSONMember("reason", reason.map { .string($0) } ?? .null),
            JSONMember("details", details),
            JSONMember("prev_hash", .string(AuditHex.encode(prevHash))),
            JSONMember("hash", .string(AuditHex.encode(hash))),
        ])
    }
}

/// Lowercase hex for chain hashes.
public enum AuditHex {
    private static let digits = Array("0123456789abcdef")

    public static func encode(_ bytes: [UInt8]) -> String {
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }
}
