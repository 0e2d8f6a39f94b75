/// The two HTTP versions this codec speaks.
public enum HTTPVersion: Sendable, Equatable {
    /// `HTTP/1.0`
    case http1_0
    /// `HTTP/1.1`
    case http1_1

    /// The protocol text as it appears on the wire, e.g. `"HTTP/1.1"`.
    public var text: String {
        switch self {
        case .http1_0: return "HTTP/1.0"
        case .http1_1: return "HTTP/1.1"
        }
    }

    var minorDigit: UInt8 {
        switch self {
        case .http1_0: return 0x30
        case .http1_1: return 0x31
        }
    }
}
