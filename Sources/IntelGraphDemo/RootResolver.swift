import GraphQL

/// A Query or Mutation root field's resolver: arguments and the request in,
/// the value plus what the executor wrapper needs for cost and undo out.
typealias RootResolver = @Sendable (_ arguments: Map, _ context: RequestContext) async throws -> RootResult

/// The outcome of one root field.
struct RootResult: Sendable {
    /// What the field returns to the client.
    var value: (any Sendable)?
    /// How many records a query returned (prices queries).
    var items: Int64 = 0
    /// How to undo a mutation (empty for reads and no-ops).
    var inverse: [CompensationStep] = []

    init(_ value: (any Sendable)?, items: Int64 = 0, inverse: [CompensationStep] = []) {
        self.value = value
        self.items = items
        self.inverse = inverse
    }
}

extension Map {
    /// The argument `name`, or nil when absent or null.
    func argument(_ name: String) -> Map? {
        guard let value = dictionary?[name], !value.isNull, !value.isUndefined else { return nil }
        return value
    }

    /// A String or ID argument the schema marks non-null.
    func requiredString(_ name: String) throws(DemoError) -> String {
        guard let value = optionalString(name) else {
            throw .invalidArgument(name: name, reason: "is required")
        }
        return value
    }

    /// A nullable String or ID argument. IDs sent as numbers read as their digits.
    func optionalString(_ name: String) -> String? {
        switch argument(name) {
        case .string(let value): value
        case .number(let number): number.stringValue
        default: nil
        }
    }

    /// A `[ID!]!` argument.
    func stringList(_ name: String) throws(DemoError) -> [String] {
        switch argument(name) {
        case .array(let elements):
            var strings: [String] = []
            strings.reserveCapacity(elements.count)
            for element in elements {
                switch element {
                case .string(let value): strings.append(value)
                case .number(let number): strings.append(number.stringValue)
                default: throw .invalidArgument(name: name, reason: "must list strings")
                }
            }
            return strings
        // Input coercion turns a single value into a one-element list.
        case .string(let value): return [value]
        default: throw .invalidArgument(name: name, reason: "is required")
        }
    }

    /// How many elements the list argument `name` holds (0 when absent).
    func listCount(_ name: String) -> Int64 {
        switch argument(name) {
        case .array(let elements): Int64(elements.count)
        case nil: 0
        default: 1
        }
    }
}
