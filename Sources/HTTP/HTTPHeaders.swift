/// An ordered list of header fields with case-insensitive lookup.
///
/// Names keep the case they were received or added with, so a proxy can forward
/// them unchanged; only lookups ignore case. Equality compares names and values
/// exactly, in order.
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    struct Field: Sendable, Equatable {
        var name: String
        var value: String
    }

    var fields: [Field]

    /// An empty header list.
    public init() {
        fields = []
    }

    /// Headers from name/value pairs, kept in the given order.
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// The number of field lines (a name added twice counts twice).
    public var count: Int { fields.count }

    /// Whether there are no fields at all.
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        for field in fields where Self.namesEqual(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        fields.compactMap { Self.namesEqual($0.name, name) ? $0.value : nil }
    }

    /// Whether at least one field is called `name`.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesEqual($0.name, name) }
    }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces the first field called `name` and drops the others, or appends one.
    public mutating func replaceOrAdd(name: String, value: String) {
        guard let first = fields.firstIndex(where: { Self.namesEqual($0.name, name) }) else {
            add(name: name, value: value)
            return
        }
        fields[first].value = value
        var index = fields.index(after: first)
        while index < fields.endIndex {
            if Self.namesEqual(fields[index].name, name) {
                fields.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    /// Removes every field called `name`.
    public mutating func remove(name: String) {
        fields.removeAll { Self.namesEqual($0.name, name) }
    }

    /// The comma-separated elements of every value of `name`, trimmed of
    /// whitespace and lowercased, empty elements dropped (for `Connection`,
    /// `Transfer-Encoding` and other token lists).
    public func tokens(for name: String) -> [String] {
        var result: [String] = []
        for field in fields where Self.namesEqual(field.name, name) {
            for element in field.value.utf8.split(separator: ByteClass.comma, omittingEmptySubsequences: true) {
                let trimmed = element.trimmingWhitespace()
                if !trimmed.isEmpty {
                    result.append(String(decoding: trimmed.map(ByteClass.lowercased), as: UTF8.self))
                }
            }
        }
        return result
    }

    /// Whether the token list of `name` contains `token` (compared case-insensitively),
    /// without building the list.
    public func hasToken(_ token: String, for name: String) -> Bool {
        for field in fields where Self.namesEqual(field.name, name) {
            for element in field.value.utf8.split(separator: ByteClass.comma, omittingEmptySubsequences: true) {
                if Self.asciiCaseInsensitiveEquals(element.trimmingWhitespace(), token.utf8) {
                    return true
                }
            }
        }
        return false
    }

    public struct Iterator: IteratorProtocol {
        private var base: IndexingIterator<[Field]>

        init(_ fields: [Field]) {
            base = fields.makeIterator()
        }

        public mutating func next() -> (name: String, value: String)? {
            guard let field = base.next() else { return nil }
            return (field.name, field.value)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(fields)
    }

    /// Removes every field whose name satisfies `shouldRemove`, in one pass.
    public mutating func removeAll(where shouldRemove: (_ name: String) -> Bool) {
        fields.removeAll { shouldRemove($0.name) }
    }

    /// ASCII case-insensitive comparison of two field names; names are tokens, so
    /// ASCII folding is the whole story. On the hot path of every proxied
    /// request: native strings compare their contiguous bytes directly.
    public static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        let fast = lhs.utf8.withContiguousStorageIfAvailable { l in
            rhs.utf8.withContiguousStorageIfAvailable { r -> Bool in
                for i in 0..<l.count where l[i] != r[i] {
                    // Equal ignoring case only for letters: the bytes differ in bit 0x20 alone.
                    let a = l[i] | 0x20
                    guard a == r[i] | 0x20, a >= 0x61, a <= 0x7A else { return false }
                }
                return true
            }
        }
        if let result = fast ?? nil { return result }
        return asciiCaseInsensitiveEquals(lhs.utf8, rhs.utf8)
    }

    static func asciiCaseInsensitiveEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { ByteClass.lowercased($0) == ByteClass.lowercased($1) }
    }
}

extension HTTPHeaders: CustomStringConvertible {
    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}

extension BidirectionalCollection<UInt8> {
    /// The elements without leading and trailing SP/HTAB.
    func trimmingWhitespace() -> SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, ByteClass.isWhitespace(self[start]) {
            start = index(after: start)
        }
        while end > start {
            let before = index(before: end)
            guard ByteClass.isWhitespace(self[before]) else { break }
            end = before
        }
        return self[start..<end]
    }
}
