import Kit

/// The mutation the scratch gateway must admit: `{"path":"/graphql","headers":{…},"body":{…}}`
/// read from `--probe`. The body is sent as its JSON serialization; headers as given.
public struct ProbeRequest: Sendable, Equatable {
    public var path: String
    public var headers: [(String, String)]
    public var body: JSONValue

    public static func == (lhs: ProbeRequest, rhs: ProbeRequest) -> Bool {
        lhs.path == rhs.path && lhs.body == rhs.body && lhs.headers.elementsEqual(rhs.headers, by: ==)
    }

    public init(path: String, headers: [(String, String)], body: JSONValue) {
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// Parses the probe file's bytes; `bad_argument` naming `source` and the member at fault.
    public init(json bytes: [UInt8], source: String) throws(DrillError) {
        func bad(_ why: String) -> DrillError {
            DrillError(step: "arguments", code: .badArgument, message: "--probe \(source): \(why)")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw bad("not JSON: \(error)")
        }
        guard document.objectMembers != nil else { throw bad("expected an object, got \(document.typeName)") }
        guard let path = document["path"]?.stringValue, path.hasPrefix("/") else {
            throw bad("\"path\" must be a string starting with / (e.g. \"/graphql\")")
        }
        var headers: [(String, String)] = []
        if let given = document["headers"] {
            guard let members = given.objectMembers else { throw bad("\"headers\" must be an object of strings") }
            for member in members {
                guard let value = member.value.stringValue else { throw bad("header \"\(member.key)\" must be a string") }
                // A header name or value with a line break would split the request. Bytes, not
                // Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
                guard !member.key.isEmpty, !(member.key + value).utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else {
                    throw bad("header \"\(member.key)\" has an empty name or a line break")
                }
                headers.append((member.key, value))
            }
        }
        guard let body = document["body"], body.objectMembers != nil else {
            throw bad("\"body\" must be an object (the GraphQL request, e.g. {\"query\":\"mutation { … }\"})")
        }
        self.init(path: path, headers: headers, body: body)
    }
}
