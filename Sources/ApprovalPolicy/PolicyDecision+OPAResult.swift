import Kit

extension PolicyDecision {
    /// Reads OPA's answer to `POST /v1/data/approval`: `{"result": {"requires_4eyes": …,
    /// "reasons": […], "emergency_relaxed": …, …}}` (the package's whole document).
    ///
    /// `requires_4eyes` is required; a bundle that leaves out `reasons` or
    /// `emergency_relaxed` (the rollback plan's one-rule bundle does) reads as none/false.
    /// OPA omits `result` when the package is not loaded: that is an error, not a "no".
    public init(opaAnswer body: [UInt8]) throws(OPAError) {
        let document: JSONValue
        do throws(JSONParseError) {
            document = try JSONValue.parse(body)
        } catch {
            throw .badJSON("not JSON (\(error.explanation))")
        }
        guard let result = document["result"] else {
            throw .badJSON("no \"result\": is package approval loaded in OPA?")
        }
        guard result.objectMembers != nil else { throw .badJSON("\"result\" is not an object") }
        guard case .bool(let requires)? = result["requires_4eyes"] else {
            throw .badJSON("result.requires_4eyes is missing or not a boolean")
        }
        var reasons: [String] = []
        if let list = result["reasons"] {
            guard let elements = list.arrayValue else { throw .badJSON("result.reasons is not an array") }
            for element in elements {
                guard let reason = element.stringValue else { throw .badJSON("result.reasons holds a non-string") }
                reasons.append(reason)
            }
        }
        var relaxed = false
        if let flag = result["emergency_relaxed"] {
            guard case .bool(let value) = flag else { throw .badJSON("result.emergency_relaxed is not a boolean") }
            relaxed = value
        }
        self.init(requiresFourEyes: requires, reasons: reasons, emergencyRelaxed: relaxed)
    }
}
