import Foundation
import GraphQL

/// The IntelGraph demo API: a real GraphQL server over an in-memory graph,
/// independent of any socket code. The binding turns each HTTP request into
/// a `DemoRequest` and writes back the `DemoResponse`.
///
/// Routes: `POST /graphql` (JSON body), `GET /graphql?query=…` (queries
/// only; a mutation is 405), `GET /health`. The tenant is the `X-Tenant`
/// header (default `demo`). See `TestHooks` for the `X-Demo-*` headers.
public final class IntelGraphDemoServer: Sendable {
    /// The SDL the server executes (the file's text, or the built-in schema).
    public let sdl: String
    /// The configuration it runs with.
    public let configuration: DemoConfiguration
    let schema: DemoSchema
    let store: EntityStore
    let documents = DocumentCache()
    /// Run-time faults (`/demo/faults`), for degrading a canary on purpose.
    let faults = DemoFaultState()

    /// Loads the schema from `schemaSDLPath` (default: the built-in copy of
    /// `examples/intelgraph/schema.graphql`); every Query and Mutation field
    /// in it must be one this server implements.
    public convenience init(
        schemaSDLPath: String? = nil, configuration: DemoConfiguration = DemoConfiguration()
    ) throws(DemoSetupError) {
        guard let schemaSDLPath else {
            try self.init(sdl: IntelGraphSchemaSDL.text, configuration: configuration)
            return
        }
        let text: String
        do {
            text = try String(contentsOfFile: schemaSDLPath, encoding: .utf8)
        } catch {
            throw .schemaUnreadable(path: schemaSDLPath, reason: String(describing: error))
        }
        try self.init(sdl: text, configuration: configuration)
    }

    /// Serves the given SDL text.
    public init(sdl: String, configuration: DemoConfiguration = DemoConfiguration()) throws(DemoSetupError) {
        try configuration.validate()
        let store = EntityStore()
        self.sdl = sdl
        self.configuration = configuration
        self.store = store
        self.schema = try DemoSchema(
            sdl: sdl,
            queries: QueryResolvers(store: store, maxListLimit: configuration.maxListLimit).all,
            mutations: MutationResolvers(store: store).all,
            costModel: configuration.costModel
        )
        seed()
    }

    /// `@budget` of each Mutation field, as the server prices them.
    public var budgets: [String: BudgetDeclaration] { schema.budgets }

    /// Answers one request. Never throws: every failure is a response.
    public func handle(_ request: DemoRequest) async -> DemoResponse {
        var path = request.path
        var query = request.query
        if query == nil, let mark = path.firstIndex(of: "?") {
            query = String(path[path.index(after: mark)...])
            path = String(path[..<mark])
        }
        let hooks: TestHooks
        do {
            hooks = try TestHooks(request: request)
        } catch {
            return .error(error.status, error.description)
        }
        let delay = configuration.baseDelay + hooks.delay
        if delay > .zero {
            // A cancelled wait (client gone) just answers early.
            try? await Task.sleep(for: delay)
        }
        if let status = hooks.forcedStatus {
            return .error(status, "status \(status) forced by \(TestHooks.statusHeader)")
        }

        switch path {
        case "/demo/faults":
            return faultsRoute(request)
        case "/health":
            guard request.method == "GET" || request.method == "HEAD" else {
                return .error(405, "use GET for /health", extraHeaders: [("Allow", "GET, HEAD")])
            }
            var response = DemoResponse.json(200, .object([JSONMember("status", .string("ok"))]))
            if request.method == "HEAD" { response.body = [] }
            return response
        case "/graphql":
            let parameters: GraphQLParameters
            do {
                switch request.method {
                case "POST": parameters = try GraphQLParameters(jsonBody: request.body)
                case "GET": parameters = try GraphQLParameters(queryString: query)
                default: return .error(405, "use GET or POST for /graphql", extraHeaders: [("Allow", "GET, POST")])
                }
            } catch {
                return .error(error.status, error.description)
            }
            let fault = faults.next()
            if fault.delay > .zero { try? await Task.sleep(for: fault.delay) }
            if fault.fail { return .error(500, "error forced by /demo/faults (error_percent)") }
            let tenant = tenant(of: request)
            return await execute(parameters, viaGET: request.method == "GET", tenant: tenant, hooks: hooks,
                                 answeredTenant: fault.foreign ? "not-\(tenant)" : nil)
        default:
            return .error(404, "no route for \(path)")
        }
    }

    /// `GET`, `PUT` (a JSON object of the knobs to change) and `DELETE` (clear) `/demo/faults`.
    func faultsRoute(_ request: DemoRequest) -> DemoResponse {
        switch request.method {
        case "GET":
            return .json(200, faults.faults.json)
        case "PUT":
            switch DemoFaults.parse(request.body, over: faults.faults) {
            case .success(let next):
                faults.set(next)
                return .json(200, next.json)
            case .failure(let why):
                return .error(400, why.description)
            }
        case "DELETE":
            faults.set(DemoFaults())
            return .json(200, DemoFaults().json)
        default:
            return .error(405, "use GET, PUT or DELETE for /demo/faults", extraHeaders: [("Allow", "GET, PUT, DELETE")])
        }
    }

    /// The request's `X-Tenant`, or the default tenant.
    func tenant(of request: DemoRequest) -> String {
        guard let tenant = request.header("X-Tenant"), !tenant.isEmpty else { return configuration.defaultTenant }
        return tenant
    }

    /// Creates `configuration.seedEntities`, for large responses in benchmarks.
    private func seed() {
        let createdAt = configuration.clock().formatted(.iso8601)
        for (tenant, count) in configuration.seedEntities.sorted(by: { $0.key < $1.key }) {
            store.withState { state in
                for index in 0..<count {
                    _ = try? state.create(
                        id: nil, tenant: tenant, name: "seed-\(index)", type: Entity.defaultType,
                        properties: #"{"index":\#(index),"source":"seed"}"#, createdAt: createdAt
                    )
                }
            }
        }
    }
}
