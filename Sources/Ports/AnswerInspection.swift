import Kit

/// What the judge reads from one upstream answer, parsed once: its cost
/// (`extensions.cost.actualUsd`) and whether it is a security violation: an
/// `extensions.tenant` naming another tenant than the caller's, or an error whose
/// `extensions.code` is one of `securityCodes`.
public enum AnswerInspection {
    public static func read(body: [UInt8]?, tenant: String?, securityCodes: Set<String>) -> (costMicros: Int64?, violation: Bool) {
        guard let body, let json = try? JSONValue.parse(body) else { return (nil, false) }
        let extensions = json["extensions"]
        let cost = CostReport.actualMicros(extensions)
        var violation = false
        if let answered = extensions?["tenant"]?.stringValue, let tenant, answered != tenant { violation = true }
        for error in json["errors"]?.arrayValue ?? [] {
            if let code = error["extensions"]?["code"]?.stringValue, securityCodes.contains(code) { violation = true }
        }
        return (cost, violation)
    }
}
