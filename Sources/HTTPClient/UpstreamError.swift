import HTTP
import Sockets

/// Why an upstream exchange failed. The gateway maps these to
/// `UPSTREAM_ERROR` with 502 (refused, reset, bad response) or 504 (timeouts).
public enum UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// connect(2) failed (refused, unreachable).
    case connectFailed(SocketError)
    case connectTimeout
    /// The connection broke (reset, or closed before the response ended).
    case connectionReset(String)
    /// No response byte within the read timeout.
    case readTimeout
    /// The upstream's response broke HTTP framing.
    case invalidResponse(HTTPParseError)
    /// Every connection busy and the wait queue full, or the wait ran out.
    case poolExhausted
    /// The client went away and the exchange was cancelled.
    case cancelled

    /// Whether the upstream provably never received the request: no connection was made or
    /// free (a reset or read timeout may come after the request was delivered, so those
    /// count as maybe-delivered; the ledger then charges the estimate instead of releasing).
    public var requestNeverSent: Bool {
        switch self {
        case .connectFailed, .connectTimeout, .poolExhausted: true
        case .connectionReset, .readTimeout, .invalidResponse, .cancelled: false
        }
    }

    /// 504 for timeouts, 502 for everything else.
    public var httpStatus: Int {
        switch self {
        case .connectTimeout, .readTimeout, .poolExhausted: return 504
        default: return 502
        }
    }

    public var description: String {
        switch self {
        case .connectFailed(let error): return "upstream connect failed: \(error)"
        case .connectTimeout: return "upstream connect timed out"
        case .connectionReset(let why): return "upstream connection broke: \(why)"
        case .readTimeout: return "upstream did not answer in time"
        case .invalidResponse(let error): return "upstream sent an invalid response: \(error)"
        case .poolExhausted: return "no upstream connection available in time"
        case .cancelled: return "cancelled"
        }
    }
}
