import GraphQL

/// Writes an executable definition in one compact canonical form, straight into bytes:
/// no comments, no optional whitespace or commas, one space between selections, the
/// shorthand `{…}` spelled `query{…}`, strings re-escaped from their values (a block
/// string and the equal quoted string print alike). The output is valid GraphQL that
/// parses back to the same tree, so two trees print alike only if they are equal.
///
/// GraphQLSwift's `print(ast:)` would do, but it measures line lengths as it goes and
/// took over a millisecond for a 4 KB document; this is one linear pass. An AST node of a
/// kind it does not know is refused, never skipped, so nothing can be dropped silently.
struct CanonicalPrinter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func operation(_ operation: OperationDefinition) throws(NormalizationError) {
        write(operation.operation.rawValue)
        if let name = operation.name {
            write(" ")
            write(name.value)
        }
        if !operation.variableDefinitions.isEmpty {
            write("(")
            for (index, definition) in operation.variableDefinitions.enumerated() {
                if index > 0 { write(",") }
                write("$")
                write(definition.variable.name.value)
                write(":")
                try type(definition.type)
                if let value = definition.defaultValue {
                    write("=")
                    try self.value(value)
                }
                try directives(definition.directives)
            }
            write(")")
        }
        try directives(operation.directives)
        try selectionSet(operation.selectionSet)
    }

    mutating func fragment(_ fragment: FragmentDefinition) throws(NormalizationError) {
        write("fragment ")
        write(fragment.name.value)
        write(" on ")
        write(fragment.typeCondition.name.value)
        try directives(fragment.directives)
        try selectionSet(fragment.selectionSet)
    }

    private mutating func selectionSet(_ set: SelectionSet) throws(NormalizationError) {
        write("{")
        for (index, selection) in set.selections.enumerated() {
            if index > 0 { write(" ") }
            // One switch on the node's kind, then one cast that succeeds: a chain of failing
            // existential casts cost more than the printing itself.
            switch selection.kind {
            case .field:
                guard let field = selection as? Field else { throw .notExecutable(kind: "\(selection.kind)") }
                if let alias = field.alias {
                    write(alias.value)
                    write(":")
                }
                write(field.name.value)
                try arguments(field.arguments)
                try directives(field.directives)
                if let nested = field.selectionSet { try selectionSet(nested) }
            case .fragmentSpread:
                guard let spread = selection as? FragmentSpread else { throw .notExecutable(kind: "\(selection.kind)") }
                write("...")
                write(spread.name.value)
                try directives(spread.directives)
            case .inlineFragment:
                guard let inline = selection as? InlineFragment else { throw .notExecutable(kind: "\(selection.kind)") }
                write("...")
                if let condition = inline.typeCondition {
                    write("on ")
                    write(condition.name.value)
                }
                try directives(inline.directives)
                try selectionSet(inline.selectionSet)
            default:
                throw .notExecutable(kind: "\(selection.kind)")
            }
        }
        write("}")
    }

    private mutating func arguments(_ arguments: [Argument]) throws(NormalizationError) {
        guard !arguments.isEmpty else { return }
        write("(")
        for (index, argument) in arguments.enumerated() {
            if index > 0 { write(",") }
            write(argument.name.value)
            write(":")
            try value(argument.value)
        }
        write(")")
    }

    private mutating func directives(_ directives: [Directive]) throws(NormalizationError) {
        for directive in directives {
            write("@")
            write(directive.name.value)
            try arguments(directive.arguments)
        }
    }

    private mutating func value(_ value: any Value) throws(NormalizationError) {
        switch value.kind {
        case .variable:
            guard let variable = value as? Variable else { throw Self.unknown(value) }
            write("$")
            write(variable.name.value)
        case .intValue:
            guard let int = value as? IntValue else { throw Self.unknown(value) }
            write(int.value)
        case .floatValue:
            guard let float = value as? FloatValue else { throw Self.unknown(value) }
            write(float.value)
        case .stringValue:
            guard let string = value as? StringValue else { throw Self.unknown(value) }
            quoted(string.value)
        case .booleanValue:
            guard let bool = value as? BooleanValue else { throw Self.unknown(value) }
            write(bool.value ? "true" : "false")
        case .nullValue:
            write("null")
        case .enumValue:
            guard let enumValue = value as? EnumValue else { throw Self.unknown(value) }
            write(enumValue.value)
        case .listValue:
            guard let list = value as? ListValue else { throw Self.unknown(value) }
            write("[")
            for (index, item) in list.values.enumerated() {
                if index > 0 { write(",") }
                try self.value(item)
            }
            write("]")
        case .objectValue:
            guard let object = value as? ObjectValue else { throw Self.unknown(value) }
            write("{")
            for (index, field) in object.fields.enumerated() {
                if index > 0 { write(",") }
                write(field.name.value)
                write(":")
                try self.value(field.value)
            }
            write("}")
        default:
            throw Self.unknown(value)
        }
    }

    private mutating func type(_ type: any GraphQL.`Type`) throws(NormalizationError) {
        switch type {
        case let named as NamedType:
            write(named.name.value)
        case let list as ListType:
            write("[")
            try self.type(list.type)
            write("]")
        case let nonNull as NonNullType:
            try self.type(nonNull.type)
            write("!")
        default:
            throw .notExecutable(kind: "\(type.kind)")
        }
    }

    private static func unknown(_ node: any Node) -> NormalizationError {
        .notExecutable(kind: "\(node.kind)")
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A GraphQL string literal: `"` and `\` escaped, control characters as `\u00XX`.
    private mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0..<0x20, 0x7f:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0f)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func write(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}
