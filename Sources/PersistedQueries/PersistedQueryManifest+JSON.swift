import Kit

extension PersistedQueryManifest {
    /// The manifest as JSON in a fixed layout: members in the order Apollo's generator writes
    /// them (`format`, `version`, `operations`; `id`, `name`, `type`, `body`), two-space
    /// indentation, a final newline. Operations keep their order (see `sorted()`), so the same
    /// manifest always yields the same bytes and a signature over them stays valid.
    public func jsonBytes() -> [UInt8] {
        var out = "{\n"
        out += "  \"format\": \(JSONText.quoted(Self.format)),\n"
        out += "  \"version\": \(Self.version),\n"
        if operations.isEmpty {
            out += "  \"operations\": []\n"
        } else {
            out += "  \"operations\": [\n"
            for (index, operation) in operations.enumerated() {
                out += "    {\n"
                out += "      \"id\": \(JSONText.quoted(operation.id)),\n"
                out += "      \"name\": \(JSONText.quoted(operation.name)),\n"
                out += "      \"type\": \(JSONText.quoted(operation.type.rawValue)),\n"
                out += "      \"body\": \(JSONText.quoted(operation.body))\n"
                out += index == operations.count - 1 ? "    }\n" : "    },\n"
            }
            out += "  ]\n"
        }
        out += "}\n"
        return Array(out.utf8)
    }
}
