/// Why a Rego-style input document could not become a `PolicyInput` or `Approver`.
public enum PolicyInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input (or the approver) is not a JSON object.
    case notAnObject(String)
    /// A required field is absent.
    case missing(String)
    /// A field has the wrong JSON type.
    case wrongType(field: String, expected: String)
    /// An amount that is not an exact decimal with at most six places, or out of range.
    case invalidAmount(field: String)
    /// A count or amount below zero.
    case negative(String)

    public var description: String {
        switch self {
        case .notAnObject(let what): return "\(what) must be a JSON object"
        case .missing(let field): return "\(field) is required"
        case .wrongType(let field, let expected): return "\(field) must be \(expected)"
        case .invalidAmount(let field): return "\(field) must be a dollar amount with at most 6 decimal places"
        case .negative(let field): return "\(field) must not be negative"
        }
    }
}
