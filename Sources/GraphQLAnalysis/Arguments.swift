import Kit

/// A root field's resolved arguments by name. A field has a handful, so a
/// small array searched in order beats a dictionary: no hashing, and adding
/// a variable's value to the precomputed constants is an append.
public struct Arguments: Sendable, Equatable, ExpressibleByDictionaryLiteral, Sequence {
    private var members: [JSONMember]

    public init() {
        members = []
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = []
        for (name, value) in elements { self[name] = value }
    }

    /// The argument's value; nil when absent. Setting nil removes it.
    public subscript(name: String) -> JSONValue? {
        get {
            for member in members where member.key == name { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == name }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(JSONMember(name, newValue))
            }
        }
    }

    /// Appends an argument known not to be present yet (names are unique in a valid document).
    mutating func append(_ name: String, _ value: JSONValue) {
        members.append(JSONMember(name, value))
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    /// The names, in document order.
    public var names: [String] { members.map(\.key) }

    public func makeIterator() -> IndexingIterator<[JSONMember]> {
        members.makeIterator()
    }

    /// Equal when the same names hold equal values, in any order.
    public static func == (lhs: Arguments, rhs: Arguments) -> Bool {
        lhs.members.count == rhs.members.count && lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }
}
