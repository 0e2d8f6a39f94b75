extension Entity {
    /// The export's `json` form: an array of entity objects.
    static func exportJSON(_ entities: [Entity]) -> String {
        JSONValue.array(entities.map(\.json)).serializedString
    }

    /// The export's `csv` form (RFC 4180): a header row, then one row each.
    static func exportCSV(_ entities: [Entity]) -> String {
        var lines = ["id,tenantId,name,type,properties,createdAt"]
        for entity in entities {
            let fields = [entity.id, entity.tenantId, entity.name, entity.type, entity.properties, entity.createdAt]
            lines.append(fields.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    var json: JSONValue {
        .object([
            JSONMember("id", .string(id)),
            JSONMember("tenantId", .string(tenantId)),
            JSONMember("name", .string(name)),
            JSONMember("type", .string(type)),
            JSONMember("properties", .string(properties)),
            JSONMember("createdAt", .string(createdAt)),
        ])
    }

    private static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return value
        }
        return "\"" + value.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
