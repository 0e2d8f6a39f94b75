import Contract
import Admission
import Kit

/// One dependency's answer to a readiness probe.
public struct DependencyCheck: Sendable, Equatable {
    public var name: String
    public var up: Bool
    /// Round trip of the probe, in microseconds.
    public var latencyMicros: Int64
    public var error: String?

    public init(name: String, up: Bool, latencyMicros: Int64, error: String? = nil) {
        self.name = name
        self.up = up
        self.latencyMicros = latencyMicros
        self.error = error
    }

    /// `{"status":"up","latency_ms":0.41}` (plus `error` when down).
    var json: String {
        var out = #"{"status":"\#(up ? "up" : "down")","latency_ms":\#(Self.milliseconds(latencyMicros))"#
        if let error { out += #","error":"# + JSONText.quoted(error) }
        return out + "}"
    }

    static func milliseconds(_ micros: Int64) -> String {
        let whole = micros / 1000
        let fraction = micros % 1000
        let padded = String(fraction)
        return "\(whole).\(String(repeating: "0", count: 3 - padded.count))\(padded)"
    }
}
