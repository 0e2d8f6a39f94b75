/// Why a request was refused before any GraphQL ran; all are 400s.
enum HTTPRequestError: Error, Equatable, CustomStringConvertible {
    case malformedJSON
    case bodyNotObject
    case missingQuery
    case wrongType(parameter: String, expected: String)
    case badHeader(name: String, reason: String)
    case badQueryString(String)

    var description: String {
        switch self {
        case .malformedJSON: "request body is not valid JSON"
        case .bodyNotObject: "request body must be a JSON object"
        case .missingQuery: "request has no query"
        case .wrongType(let parameter, let expected): "\(parameter) must be \(expected)"
        case .badHeader(let name, let reason): "header \(name) \(reason)"
        case .badQueryString(let reason): "query string: \(reason)"
        }
    }

    var status: Int { 400 }
}
