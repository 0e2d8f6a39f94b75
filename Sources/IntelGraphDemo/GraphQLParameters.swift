import Foundation
import GraphQL

/// The GraphQL-over-HTTP request parameters, from a POST body or a GET
/// query string.
struct GraphQLParameters: Sendable {
    var query: String
    var variables: [String: Map]
    var operationName: String?

    /// `{"query": …, "variables": {…}?, "operationName": …?}`; other members
    /// (e.g. `extensions`) are ignored.
    init(jsonBody body: [UInt8]) throws(HTTPRequestError) {
        guard let json = JSONValue.parse(body) else { throw .malformedJSON }
        guard case .object = json else { throw .bodyNotObject }
        try self.init(query: json["query"], variables: json["variables"], operationName: json["operationName"])
    }

    /// `query=…&variables=<JSON>&operationName=…`, form-encoded.
    init(queryString: String?) throws(HTTPRequestError) {
        let pairs = try Self.formDecode(queryString ?? "")
        func value(_ name: String) -> String? { pairs.first(where: { $0.0 == name })?.1 }
        var variables: JSONValue?
        if let text = value("variables"), !text.isEmpty {
            guard let parsed = JSONValue.parse(Array(text.utf8)) else {
                throw .wrongType(parameter: "variables", expected: "a JSON object")
            }
            variables = parsed
        }
        try self.init(
            query: value("query").map(JSONValue.string),
            variables: variables,
            operationName: value("operationName").flatMap { $0.isEmpty ? nil : .string($0) }
        )
    }

    private init(query: JSONValue?, variables: JSONValue?, operationName: JSONValue?) throws(HTTPRequestError) {
        guard let query, !query.isNull else { throw .missingQuery }
        guard let text = query.stringValue else { throw .wrongType(parameter: "query", expected: "a string") }
        guard !text.isEmpty else { throw .missingQuery }
        self.query = text

        var variableMap: [String: Map] = [:]
        switch variables {
        case nil, .null?:
            break
        case .object(let members)?:
            for member in members {
                variableMap[member.key] = member.value.map
            }
        default:
            throw .wrongType(parameter: "variables", expected: "an object")
        }
        self.variables = variableMap

        switch operationName {
        case nil, .null?: self.operationName = nil
        case .string(let name)?: self.operationName = name
        default: throw .wrongType(parameter: "operationName", expected: "a string")
        }
    }

    /// `application/x-www-form-urlencoded` pairs: `+` is a space, `%XX` a byte.
    static func formDecode(_ text: String) throws(HTTPRequestError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decodeComponent(halves[0])
            let value = halves.count > 1 ? try decodeComponent(halves[1]) : ""
            pairs.append((name, value))
        }
        return pairs
    }

    private static func decodeComponent(_ component: Substring) throws(HTTPRequestError) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else {
            throw .badQueryString("invalid percent-encoding")
        }
        return decoded
    }
}
