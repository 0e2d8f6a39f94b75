/// A request the analysis refuses, with the SPEC §1 code and HTTP status the
/// gateway renders. `kind` says exactly what was wrong (tests match on it);
/// `message` is the client-facing sentence.
public struct AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The SPEC §1 codes the analysis can produce. Raw values equal
    /// `Admission.Rejection.Code`'s, so the gateway maps them by `rawValue`.
    public enum Code: String, Sendable, Equatable {
        case badRequest = "BAD_REQUEST"
        case payloadTooLarge = "PAYLOAD_TOO_LARGE"
        case methodNotAllowed = "METHOD_NOT_ALLOWED"
        case budgetDeclarationMissing = "BUDGET_DECLARATION_MISSING"

        /// The status SPEC §1 gives the code.
        public var httpStatus: Int {
            switch self {
            case .badRequest: 400
            case .payloadTooLarge: 413
            case .methodNotAllowed: 405
            case .budgetDeclarationMissing: 403
            }
        }
    }

    /// What exactly was wrong.
    public enum Kind: Sendable, Equatable {
        // The HTTP request's parameters.
        case invalidJSON(String)
        case duplicateKey(String)
        case notAnObject
        case batchNotSupported
        case queryNotString
        case operationNameNotString
        case variablesNotObject
        case extensionsNotObject
        case persistedQueryHashNotString
        case missingQuery
        case invalidQueryString(String)

        // The GraphQL document.
        case syntax(line: Int, column: Int, description: String)
        case documentTooLarge(bytes: Int, limit: Int)
        case nestingLimit(limit: Int)
        case depthLimit(depth: Int, limit: Int)
        case aliasLimit(count: Int, limit: Int)
        case rootFieldLimit(count: Int, limit: Int)
        case notExecutable
        case noOperation
        case unknownOperation(String)
        case operationNameRequired
        case anonymousOperationNotAlone
        case duplicateOperation(String)
        case duplicateFragment(String)
        case unknownFragment(String)
        case fragmentCycle(String)
        case undefinedVariable(String)
        case duplicateArgument(field: String, argument: String)
        case mutationOverGET

        // The mutation against the API's @budget declarations.
        case unknownMutationField(String)
        case budgetDeclarationMissing(String)
        case invalidArgument(field: String, argument: String, reason: String)
        case estimateOverflow(field: String)
    }

    public let kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// The SPEC §1 code.
    public var code: Code {
        switch kind {
        case .documentTooLarge: .payloadTooLarge
        case .mutationOverGET: .methodNotAllowed
        case .budgetDeclarationMissing: .budgetDeclarationMissing
        default: .badRequest
        }
    }

    /// The HTTP status to answer with (a 405 also needs `Allow: POST`).
    public var httpStatus: Int { code.httpStatus }

    /// The mutation root field the error is about, when there is one.
    public var field: String? {
        switch kind {
        case .unknownMutationField(let name), .budgetDeclarationMissing(let name): name
        case .invalidArgument(let field, _, _), .estimateOverflow(let field), .duplicateArgument(let field, _): field
        default: nil
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
