import ApprovalPolicy
import Ports
import Contract
import Admission
import Foundation
import GraphQLAnalysis
import HTTP
import Kit
import Testing
@testable import FourEyes

@Suite("Four-eyes request reading (pure)")
struct RequestReadingTests {
    static func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test("the variables hash ignores key order and the approvers variable, and nothing else")
    func variablesHash() throws {
        let a = VariablesHash.of(try Self.json(#"{"ids":["1","2"],"reason":{"b":1,"a":2}}"#))
        let b = VariablesHash.of(try Self.json(#"{"reason":{"a":2,"b":1},"ids":["1","2"],"approvers":["x","y"]}"#))
        #expect(a == b)
        #expect(a != VariablesHash.of(try Self.json(#"{"ids":["2","1"],"reason":{"b":1,"a":2}}"#)))
        #expect(a != VariablesHash.of(try Self.json(#"{"ids":["1","2"],"reason":{"b":1.0,"a":2}}"#)))
        #expect(VariablesHash.of(nil) == VariablesHash.of(try Self.json("{}")))
        #expect(a.count == 64)
    }

    @Test("target tenants come from tenant-named arguments, input fields and variables")
    func targetTenants() throws {
        let fields = [
            RootField(name: "moveEntity", arguments: ["id": .string("e1"), "targetTenant": .string("test")]),
            RootField(name: "copy", arguments: ["input": try Self.json(#"{"to":{"tenant_id":"acme"},"tenants":["x","y"]}"#)]),
            RootField(name: "note", arguments: ["text": .string("tenant other")]),
        ]
        let variables = try Self.json(#"{"tenantId":"demo","approvers":["tenant-z"],"name":"n"}"#)
        #expect(TargetTenants.find(rootFields: fields, variables: variables) == ["acme", "demo", "test", "x", "y"])
        #expect(TargetTenants.find(rootFields: [RootField(name: "createEntity", arguments: ["name": .string("a")])], variables: nil) == [])
    }

    @Test("approval evidence: header, approvers variable, and each malformed form is a 400")
    func evidence() throws {
        var headers = HTTPHeaders()
        headers.add(name: "X-Approval-Id", value: "6F1A2B3C-0000-4000-8000-000000000001")
        #expect(try ApprovalEvidence.read(headers: headers, variables: nil).get()
            == .requestID(UUID(uuidString: "6f1a2b3c-0000-4000-8000-000000000001")!))
        #expect(try ApprovalEvidence.read(headers: HTTPHeaders(), variables: Self.json(#"{"approvers":["a","b","a"]}"#)).get()
            == .approvers(["a", "b"]))
        #expect(try ApprovalEvidence.read(headers: HTTPHeaders(), variables: Self.json(#"{"x":1}"#)).get() == nil)

        var bad = HTTPHeaders()
        bad.add(name: "X-Approval-Id", value: "not-a-uuid")
        var twice = headers
        twice.add(name: "X-Approval-Id", value: "6F1A2B3C-0000-4000-8000-000000000002")
        let cases: [(HTTPHeaders, String?)] = [
            (bad, nil), (twice, nil),
            (HTTPHeaders(), #"{"approvers":"alice"}"#),
            (HTTPHeaders(), #"{"approvers":["alice"]}"#),
            (HTTPHeaders(), #"{"approvers":["alice",""]}"#),
            (HTTPHeaders(), #"{"approvers":["alice",7]}"#),
        ]
        for (headers, variables) in cases {
            let read = ApprovalEvidence.read(headers: headers, variables: try variables.map(Self.json))
            guard case .failure(let rejection) = read else { Issue.record("accepted \(String(describing: variables))"); continue }
            #expect(rejection.code == .badRequest)
        }
    }
}
