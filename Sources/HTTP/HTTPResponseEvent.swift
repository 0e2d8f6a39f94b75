/// What the response decoder produces, in order: a head, zero or more body
/// slices, the end. Interim (1xx) heads come before the final head, without an end.
public enum HTTPResponseEvent: Sendable, Equatable {
    case head(HTTPResponseHead)
    case body([UInt8])
    case end
}
