import GraphQL

/// Reads one root field's `@downshift(priority:, tags:, hopsArg:)` and
/// `@cacheable(ttlSeconds:)`, collecting a `Finding` for everything wrong.
/// Shared by the linter and `DownshiftCatalog`, so what CI accepts is
/// exactly what the gateway loads.
struct DownshiftReader {
    static let downshift = "downshift"
    static let cacheable = "cacheable"

    let fileName: String
    let rules: DownshiftRules
    private(set) var findings: [Finding] = []

    init(fileName: String, rules: DownshiftRules) {
        self.fileName = fileName
        self.rules = rules
    }

    /// The field's class. An invalid part is reported and left at its
    /// default; the caller refuses the schema when any finding is an error.
    mutating func read(_ entry: MutationSchema.FieldEntry, root: OperationKind) -> FieldClass {
        let field = entry.definition
        let name = field.name.value
        var fieldClass = FieldClass.undeclared
        let downshifts = directives(Self.downshift, on: field)
        if let downshift = downshifts.first {
            readDownshift(downshift, of: field, into: &fieldClass)
        }
        let cacheables = directives(Self.cacheable, on: field)
        if let cacheable = cacheables.first {
            if root == .query {
                fieldClass.cacheTTLSeconds = readTTL(cacheable, field: name)
            } else {
                report(.cacheableNotQuery, at: position(cacheable.loc),
                       "@cacheable on \"\(name)\": only Query root fields are cached (this is a \(root.rawValue) field)", field: name)
            }
        }
        return fieldClass
    }

    /// A field the gateway never classifies (not a Query or Mutation root
    /// field): either directive there would be silently ignored, so say so.
    mutating func readMisplaced(_ entry: MutationSchema.FieldEntry, typeName: String) {
        let field = entry.definition
        let label = "\(typeName).\(field.name.value)"
        if let downshift = directives(Self.downshift, on: field).first {
            report(.downshiftNotRootField, at: position(downshift.loc),
                   "@downshift on \"\(label)\" has no effect: only Query and Mutation root fields are classified", field: label)
        }
        if let cacheable = directives(Self.cacheable, on: field).first {
            report(.cacheableNotQuery, at: position(cacheable.loc),
                   "@cacheable on \"\(label)\": only Query root fields are cached", field: label)
        }
    }

    // MARK: - @downshift

    private mutating func readDownshift(_ directive: Directive, of field: FieldDefinition, into fieldClass: inout FieldClass) {
        let name = field.name.value
        var sawPriority = false
        for argument in directive.arguments {
            let at = position(argument.value.loc)
            switch argument.name.value {
            case "priority":
                sawPriority = true
                if let priority = readPriority(argument.value, field: name, at: at) { fieldClass.priority = priority }
            case "tags":
                fieldClass.tags = readTags(argument.value, field: name, at: at)
            case "hopsArg":
                fieldClass.hopsArgument = readHopsArg(argument.value, of: field, at: at)
            default:
                report(.unknownArgument, at: position(argument.loc),
                       "@downshift on \"\(name)\" has no argument \"\(argument.name.value)\"", field: name)
            }
        }
        if !sawPriority {
            report(.missingPriority, at: position(directive.loc), "@downshift on \"\(name)\" has no priority", field: name)
        }
    }

    private mutating func readPriority(_ value: any Value, field: String, at: SourcePosition) -> DownshiftPriority? {
        let known = DownshiftPriority.allCases.map(\.label).joined(separator: ", ")
        guard let label = (value as? StringValue)?.value else {
            report(.invalidPriority, at: at, "priority of \"\(field)\" must be a string (one of \(known))", field: field)
            return nil
        }
        guard let priority = DownshiftPriority(label: label) else {
            report(.unknownPriority, at: at, "unknown priority \"\(label)\" on \"\(field)\" (known: \(known))", field: field)
            return nil
        }
        return priority
    }

    private mutating func readTags(_ value: any Value, field: String, at: SourcePosition) -> [String] {
        // GraphQL input coercion accepts one value where a list is expected.
        let elements: [any Value] = (value as? ListValue)?.values ?? [value]
        var tags: [String] = []
        for element in elements {
            guard let tag = (element as? StringValue)?.value else {
                report(.invalidDownshiftTags, at: position(element.loc), "tags of \"\(field)\" must be a list of strings", field: field)
                continue
            }
            if !rules.knownTags.contains(tag) {
                let known = rules.knownTags.sorted().joined(separator: ", ")
                findings.append(Finding(
                    kind: .unknownDownshiftTag, file: fileName, position: position(element.loc), severity: .warning,
                    message: "downshift tag \"\(tag)\" on \"\(field)\" is not known to the tier rules (known: \(known)); it has no effect yet",
                    field: field
                ))
            }
            if !tags.contains(tag) { tags.append(tag) }
        }
        return tags
    }

    private mutating func readHopsArg(_ value: any Value, of field: FieldDefinition, at: SourcePosition) -> String? {
        let name = field.name.value
        guard let argumentName = (value as? StringValue)?.value else {
            report(.invalidHopsArg, at: at, "hopsArg of \"\(name)\" must be a string naming an Int argument", field: name)
            return nil
        }
        guard let argument = field.arguments.first(where: { $0.name.value == argumentName }) else {
            report(.hopsArgMissingArgument, at: at,
                   "hopsArg of \"\(name)\" names \"\(argumentName)\", which is not an argument of \"\(name)\"", field: name)
            return nil
        }
        guard Self.isInt(argument.type) else {
            report(.hopsArgNotInt, at: at,
                   "hopsArg of \"\(name)\" names argument \"\(argumentName)\" of type \(DeclarationReader.describe(argument.type)), not Int",
                   field: name)
            return nil
        }
        return argumentName
    }

    // MARK: - @cacheable

    private mutating func readTTL(_ directive: Directive, field: String) -> Int? {
        var ttl: Int?
        var sawTTL = false
        for argument in directive.arguments {
            guard argument.name.value == "ttlSeconds" else {
                report(.unknownArgument, at: position(argument.loc),
                       "@cacheable on \"\(field)\" has no argument \"\(argument.name.value)\"", field: field)
                continue
            }
            sawTTL = true
            let at = position(argument.value.loc)
            guard let int = argument.value as? IntValue, let seconds = Int(int.value), seconds > 0 else {
                report(.invalidCacheTTL, at: at, "ttlSeconds of \"\(field)\" must be a positive integer", field: field)
                continue
            }
            guard seconds <= rules.maxCacheTTLSeconds else {
                report(.absurdCacheTTL, at: at,
                       "ttlSeconds \(seconds) of \"\(field)\" is above the maximum of \(rules.maxCacheTTLSeconds)", field: field)
                continue
            }
            ttl = seconds
        }
        if !sawTTL {
            report(.invalidCacheTTL, at: position(directive.loc), "@cacheable on \"\(field)\" has no ttlSeconds", field: field)
        }
        return ttl
    }

    // MARK: - Helpers

    /// The directives named `name` on the field; every one after the first is reported.
    private mutating func directives(_ name: String, on field: FieldDefinition) -> [Directive] {
        let found = field.directives.filter { $0.name.value == name }
        for extra in found.dropFirst() {
            report(.repeatedDirective, at: position(extra.loc),
                   "@\(name) appears more than once on \"\(field.name.value)\"", field: field.name.value)
        }
        return found
    }

    private mutating func report(_ kind: Finding.Kind, at position: SourcePosition, _ message: String, field: String) {
        findings.append(Finding(kind: kind, file: fileName, position: position, message: message, field: field))
    }

    private func position(_ location: Location?) -> SourcePosition {
        MutationSchema.position(of: location)
    }

    /// Whether a type is `Int` or `Int!`.
    static func isInt(_ type: any Type) -> Bool {
        if let nonNull = type as? NonNullType { return isInt(nonNull.type) }
        return (type as? NamedType)?.name.value == "Int"
    }
}
