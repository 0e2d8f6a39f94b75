import Kit

/// What an upstream response says about its own cost: `extensions.cost.actualUsd`
/// (a decimal string or number, read exactly), `extensions.cost.actualTokens`, and
/// `extensions.compensation` (kept as JSON text for `safemut compensate`).
public enum CostReport {
    public static func settlement(status: Int, body: [UInt8]?) -> Settlement {
        var settlement = Settlement()
        guard let body else { return settlement }
        settlement.response = StoredResponse(status: status, body: body)
        guard let json = try? JSONValue.parse(body), let extensions = json["extensions"] else { return settlement }
        settlement.actualMicros = actualMicros(extensions)
        if let cost = extensions["cost"] {
            if let tokens = cost["actualTokens"]?.int64Value, tokens >= 0 { settlement.actualTokens = tokens }
        }
        if let compensation = extensions["compensation"], compensation.objectMembers != nil {
            settlement.compensationJSON = compensation.serialized
        }
        return settlement
    }

    /// `extensions.cost.actualUsd` read exactly, when present and not negative.
    public static func actualMicros(_ extensions: JSONValue?) -> Int64? {
        guard let usd = extensions?["cost"]?["actualUsd"].flatMap(MicroDollars.parse), usd >= 0 else { return nil }
        return usd
    }
}
