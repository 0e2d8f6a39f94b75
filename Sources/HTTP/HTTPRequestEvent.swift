/// What the request decoder produces, in order: a head, zero or more body
/// slices, the end; then the next request's head (keep-alive, pipelining).
public enum HTTPRequestEvent: Sendable, Equatable {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end
}
