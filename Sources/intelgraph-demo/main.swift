import ArgumentParser
import Dispatch
import Foundation
import HTTP
import HTTPServer
import IntelGraphDemo
import Sockets

/// `intelgraph-demo`: the IntelGraph-like GraphQL API that safemut guards in
/// the demo, the integration tests and the benchmarks. It runs the GraphQL
/// executor of `IntelGraphDemo` on safemut's own HTTP server.
@main
struct IntelGraphDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intelgraph-demo",
        abstract: "Serve the IntelGraph demo GraphQL API (the upstream safemut protects).")

    @Option(help: "Address to listen on (host:port).")
    var listen = "127.0.0.1:4001"

    @Option(help: "Schema SDL to serve (default: the built-in copy of examples/intelgraph/schema.graphql).")
    var schema: String?

    @Option(help: "Event loops (threads).")
    var eventLoops = 1

    func run() throws {
        // First, so a SIGTERM during start-up is queued, not lost or fatal.
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT])
        let demo: IntelGraphDemoServer
        do {
            demo = try IntelGraphDemoServer(schemaSDLPath: schema)
        } catch {
            throw ValidationError("cannot load schema: \(error)")
        }
        let group = try EventLoopGroup(count: eventLoops, namePrefix: "demo-loop")
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(address: listen, eventLoops: eventLoops),
            group: group,
            handler: DemoBinding(demo: demo))
        FileHandle.standardError.write(Data("intelgraph-demo listening on \(listen.split(separator: ":").dropLast().joined(separator: ":")):\(server.port)\n".utf8))
        _ = signals.next()
        server.drain(timeoutNanos: 5_000_000_000)
        group.shutdown()
    }
}

/// Hands each HTTP request to the demo executor and writes its answer.
struct DemoBinding: HTTPServerHandler {
    let demo: IntelGraphDemoServer

    func handle(_ request: HTTPServerRequest, responder: HTTPResponder) {
        let demoRequest = DemoRequest(
            method: request.head.method,
            path: request.head.path,
            query: request.head.query,
            headers: request.head.headers.map { ($0.name, $0.value) },
            body: request.body)
        let bound = LoopBound(responder, loop: request.loop)
        let demo = self.demo
        Task(executorPreference: request.loop) {
            let response = await demo.handle(demoRequest)
            bound.value.respond(
                HTTPResponseHead(status: response.status, headers: HTTPHeaders(response.headers)),
                body: response.body)
        }
    }
}
