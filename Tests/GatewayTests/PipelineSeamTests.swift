import Contract
import Admission
import Gateway
import Testing
import TestSupport

/// A step that rejects requests carrying `X-Deny`, and tags the others.
struct DenyStep: AdmissionStep {
    let name = "deny"
    func admit(_ context: inout RequestContext) async -> StepOutcome {
        if let reason = context.head.headers["X-Deny"] {
            return .reject(Rejection(.forbidden, "denied: \(reason)", details: [("step", .string("deny"))]))
        }
        context.head.headers.add(name: "X-Hop", value: "admitted")
        return .continue
    }
}

@Suite("Gateway: the admission pipeline seam")
struct PipelineSeamTests {
    @Test("a rejecting step answers in the GraphQL error shape and nothing is forwarded")
    func rejects() async throws {
        let upstream = ScriptedUpstream()
        let harness = try GatewayHarness(upstreamHandler: upstream, pipeline: AdmissionPipeline([DenyStep()]))
        let port = harness.port
        let response = try await offPool {
            let client = try RawHTTPClient(port: port)
            try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nX-Deny: no\r\nContent-Length: 2\r\n\r\n{}")
            return try client.readResponse()
        }
        #expect(response.status == 403)
        #expect(response.text == #"{"errors":[{"message":"denied: no","extensions":{"code":"FORBIDDEN","step":"deny"}}]}"#)
        #expect(upstream.seen.load(ordering: .relaxed) == 0)
    }

    @Test("an admitting step's changes reach the upstream")
    func admits() async throws {
        let harness = try GatewayHarness(pipeline: AdmissionPipeline([DenyStep()]))
        let port = harness.port
        let response = try await offPool {
            let client = try RawHTTPClient(port: port)
            try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Length: 2\r\n\r\n{}")
            return try client.readResponse()
        }
        #expect(response.status == 200)
        #expect(response.text.contains("X-Hop: admitted"))
    }
}
