import Kit

/// What gate G7 reads from a `safemut drill rehearse` report (`kind: safemut.drill/v1`).
public struct DrillFigures: Sendable, Equatable {
    public var ok: Bool
    public var rpoMillis: Int64?
    public var rtoMillis: Int64?
    public var finishedAtMicros: Int64
    /// `step: code: message` of each error the drill recorded.
    public var errors: [String]

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func parse(_ bytes: [UInt8]) throws(Problem) -> DrillFigures {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw Problem(message: "not JSON: \(error)")
        }
        guard value["kind"]?.stringValue == "safemut.drill/v1" else {
            throw Problem(message: "not a drill report (kind must be safemut.drill/v1)")
        }
        guard let ok = value["ok"]?.boolValue else { throw Problem(message: "`ok` must be a boolean") }
        guard let finishedText = value["finished_at"]?.stringValue, let finished = RFC3339.parse(finishedText) else {
            throw Problem(message: "`finished_at` must be an RFC 3339 time")
        }
        func millis(_ key: String) throws(Problem) -> Int64? {
            guard let member = value[key], !member.isNull else { return nil }
            guard let number = member.int64Value, number >= 0 else { throw Problem(message: "`\(key)` must be a non-negative integer or null") }
            return number
        }
        var errors: [String] = []
        for entry in value["errors"]?.arrayValue ?? [] {
            errors.append([entry["step"], entry["code"], entry["message"]].compactMap { $0?.stringValue }.joined(separator: ": "))
        }
        return DrillFigures(ok: ok, rpoMillis: try millis("rpo_ms"), rtoMillis: try millis("rto_ms"), finishedAtMicros: finished, errors: errors)
    }

    public func value(_ metric: GateMetric) -> GateNumber? {
        switch metric {
        case .rpoMilliseconds: rpoMillis.map { GateNumber($0) }
        case .rtoMilliseconds: rtoMillis.map { GateNumber($0) }
        default: nil
        }
    }
}
