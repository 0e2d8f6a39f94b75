import Contract
import Admission
import Gateway
import Synchronization
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

/// What a post phase heard, in order, across steps.
final class EndingLog: Sendable {
    let entries = Mutex<[String]>([])
    func add(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

/// Registers a post phase that writes what it hears, tagged with the step's label.
struct RecordingStep: AdmissionStep {
    let name: String
    let log: EndingLog
    var wantsBody = false

    struct Completion: StepCompletion {
        let label: String
        let log: EndingLog
        let needsResponseBody: Bool
        func refused() async { log.add("\(label): refused") }
        func finished(_ ending: ForwardEnding) {
            switch ending {
            case .answered(let status, let body, _): log.add("\(label): answered \(status) body=\(body.map { "\($0.count)" } ?? "nil")")
            case .failed(let reached): log.add("\(label): failed reached=\(reached)")
            case .clientGone: log.add("\(label): client gone")
            }
        }
    }

    func admit(_ context: inout RequestContext) async -> StepOutcome {
        context.onCompletion(Completion(label: name, log: log, needsResponseBody: wantsBody))
        return .continue
    }
}

@Suite("Gateway: the admission pipeline seam")
struct PipelineSeamTests {
    /// One `{}` POST to /graphql with `extra` header lines, read off the cooperative pool.
    func post(_ harness: GatewayHarness, _ extra: String = "") async throws -> RawHTTPClient.Response {
        let port = harness.port
        return try await offPool {
            let client = try RawHTTPClient(port: port)
            try client.send("POST /graphql HTTP/1.1\r\nHost: gw\r\n\(extra)Content-Length: 2\r\n\r\n{}")
            return try client.readResponse()
        }
    }

    @Test("a rejecting step answers in the GraphQL error shape and nothing is forwarded")
    func rejects() async throws {
        let upstream = ScriptedUpstream()
        let harness = try GatewayHarness(upstreamHandler: upstream, pipeline: AdmissionPipeline([DenyStep()]))
        let response = try await post(harness, "X-Deny: no\r\n")
        #expect(response.status == 403)
        #expect(response.text == #"{"errors":[{"message":"denied: no","extensions":{"code":"FORBIDDEN","step":"deny"}}]}"#)
        #expect(upstream.seen.load(ordering: .relaxed) == 0)
    }

    @Test("an admitting step's changes reach the upstream")
    func admits() async throws {
        let harness = try GatewayHarness(pipeline: AdmissionPipeline([DenyStep()]))
        let response = try await post(harness, "")
        #expect(response.status == 200)
        #expect(response.text.contains("X-Hop: admitted"))
    }

    @Test("a later refusal runs the earlier steps' post phases as refused, newest first, and none as finished")
    func refusalUndoesNewestFirst() async throws {
        let log = EndingLog()
        let pipeline = AdmissionPipeline([RecordingStep(name: "a", log: log), RecordingStep(name: "b", log: log), DenyStep()])
        let harness = try GatewayHarness(pipeline: pipeline)
        let response = try await post(harness, "X-Deny: no\r\n")
        #expect(response.status == 403)
        // Awaited before the refusal is answered: both are there when the client reads it.
        #expect(log.all == ["b: refused", "a: refused"])
    }

    @Test("a forwarded request's post phases each hear the answer once, newest first; the body only when one asked")
    func answeredOncePerStep() async throws {
        let log = EndingLog()
        let pipeline = AdmissionPipeline([RecordingStep(name: "a", log: log), RecordingStep(name: "b", log: log, wantsBody: true)])
        let harness = try GatewayHarness(pipeline: pipeline)
        let response = try await post(harness, "X-Script: chunked\r\nX-Script-Arg: 3\r\n")
        #expect(response.status == 200)
        try await DeadlinesTests.waitUntil { log.all.count == 2 }
        #expect(log.all == ["b: answered 200 body=18", "a: answered 200 body=18"])
    }

    @Test("an upstream that resets after reading the request is failed, reached: the mutation may have run")
    func resetIsReached() async throws {
        let log = EndingLog()
        let harness = try GatewayHarness(pipeline: AdmissionPipeline([RecordingStep(name: "a", log: log)]))
        let response = try await post(harness, "X-Script: reset\r\n")
        #expect(response.status == 502)
        try await DeadlinesTests.waitUntil { !log.all.isEmpty }
        #expect(log.all == ["a: failed reached=true"])
    }

    @Test("an upstream that refuses the connection is failed, not reached: nothing ran")
    func refusedConnectionIsNotReached() async throws {
        let log = EndingLog()
        let harness = try GatewayHarness(
            upstreamHandler: nil, upstreamPort: Ports.free(), pipeline: AdmissionPipeline([RecordingStep(name: "a", log: log)]))
        let response = try await post(harness, "")
        #expect(response.status == 502)
        try await DeadlinesTests.waitUntil { !log.all.isEmpty }
        #expect(log.all == ["a: failed reached=false"])
    }
}
