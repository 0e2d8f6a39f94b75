import HTTPClient

/// Why the external OPA gave no decision. The caller picks what follows
/// (`OPAFailMode`): answer 503, or decide in process.
public enum OPAError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No complete answer within `opa.timeout_ms` (connect, send and read together).
    case timeout(milliseconds: Int)
    /// Could not connect, or the connection broke or spoke broken HTTP.
    case connection(String)
    /// OPA answered with a status other than 200.
    case badStatus(Int)
    /// The answer is not JSON, or not OPA's `{"result": {...}}` with our decisions in it.
    case badJSON(String)

    public var description: String {
        switch self {
        case .timeout(let milliseconds): return "OPA did not answer within \(milliseconds) ms"
        case .connection(let why): return "OPA unreachable: \(why)"
        case .badStatus(let status): return "OPA answered HTTP \(status)"
        case .badJSON(let why): return "OPA's answer is unusable: \(why)"
        }
    }

    /// The caller's error in our terms; its timeouts are ours.
    init(_ error: HTTPCallError, timeoutMilliseconds: Int) {
        switch error {
        case .timeout, .upstream(.connectTimeout, _), .upstream(.readTimeout, _), .upstream(.poolExhausted, _):
            self = .timeout(milliseconds: timeoutMilliseconds)
        case .responseTooLarge(let limit):
            self = .badJSON("answer larger than \(limit) bytes")
        case .upstream(let error, _):
            self = .connection(error.description)
        case .unusable(let why):
            self = .connection(why)
        }
    }
}
