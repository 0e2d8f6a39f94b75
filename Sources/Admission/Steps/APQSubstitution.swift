import GraphQLAnalysis
import Kit

/// Rewrites an APQ hash-only request so the upstream receives the document:
/// the upstream (IntelGraph, the demo) knows no hashes, and the document the
/// allowlist resolved is the one that was admitted.
enum APQSubstitution {
    static func carryDocument(_ document: String, of request: GraphQLRequest, into context: inout RequestContext) {
        switch request.transport {
        case .post:
            var members = [JSONMember("query", .string(document))]
            if let name = request.operationName { members.append(JSONMember("operationName", .string(name))) }
            if let variables = request.variables { members.append(JSONMember("variables", variables)) }
            if let extensions = request.extensions { members.append(JSONMember("extensions", extensions)) }
            context.body = Array(JSONValue.object(members).serialized.utf8)
        case .get:
            let path = context.head.path
            let query = context.head.query.map { $0.isEmpty ? "" : $0 + "&" } ?? ""
            context.head.target = path + "?" + query + "query=" + percentEncoded(document)
        }
    }

    /// RFC 3986 query-component encoding: everything but the unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
