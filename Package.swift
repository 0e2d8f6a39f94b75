// swift-tools-version:6.1
// safemut: the Safe Mutations gateway. Module layout follows ../shared/STYLE.md:
// I/O at the edges, pure logic in the middle, imports pointing one way
// (executable → Gateway → Admission/Admin → domain → clients → Sockets/C targets).
import PackageDescription

let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let coreMetrics = Target.Dependency.product(name: "CoreMetrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let yams = Target.Dependency.product(name: "Yams", package: "Yams")
let graphQL = Target.Dependency.product(name: "GraphQL", package: "GraphQL")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "safemut",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "safemut", targets: ["safemut"]),
        .executable(name: "intelgraph-demo", targets: ["intelgraph-demo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL", from: "4.0.0"),
    ],
    targets: [
        // System libraries from Debian's -dev packages; nothing else lives here.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // The pure kit, no I/O: the one JSON (value, strict parser, serializer, string escaper),
        // exact money and decimal text, deadlines, and the connection threads' queue.
        .target(name: "Kit", swiftSettings: strict),

        // Edges: sockets and the event loop; the pure HTTP/1.1 codec.
        .target(name: "CSystem"),
        .target(name: "Sockets", dependencies: ["CSystem"], swiftSettings: strict),
        .target(name: "HTTP", swiftSettings: strict),
        .target(name: "HTTPServer", dependencies: ["HTTP", "Sockets"], swiftSettings: strict),
        .target(name: "HTTPClient", dependencies: ["HTTP", "Sockets"], swiftSettings: strict),

        // Small libraries over C: gzip (zlib) and digests (OpenSSL).
        .target(name: "Gzip", dependencies: ["CZlib"], swiftSettings: strict),
        .target(name: "Crypto", dependencies: ["COpenSSL"], swiftSettings: strict),

        // Data clients (issue 4).
        .target(name: "Postgres", dependencies: ["CLibPQ", "Kit", logging], swiftSettings: strict),
        .target(name: "Redis", dependencies: ["CHiredis", "Kit", logging], swiftSettings: strict),
        .target(name: "Migrations", dependencies: ["Postgres", logging], swiftSettings: strict),
        // Mail out (the daily report): plain SMTP on a blocking socket.
        .target(name: "SMTP", swiftSettings: strict),
        .executableTarget(name: "analysis-bench", dependencies: ["GraphQLAnalysis", "Kit", "PersistedQueries", "Crypto", graphQL], path: "bench/analysis", exclude: ["README.md"], swiftSettings: strict),
        .executableTarget(name: "datastore-bench", dependencies: ["Kit", "Postgres", "Redis", "Migrations", "TestSupport"], path: "bench/DatastoreBench", swiftSettings: strict),

        // Pure GraphQL analysis: operation, root fields, limits, @budget, estimate (issue 6).
        .target(name: "GraphQLAnalysis", dependencies: [graphQL, "Crypto", "Kit"], swiftSettings: strict),
        // Who is calling: JWT (OpenSSL) or trusted headers (issue 6).
        .target(name: "Identity", dependencies: ["Crypto", "HTTP", "Kit"], swiftSettings: strict),

        // The persisted-query allowlist: manifests, signatures, normalized hashes, store (issue 6).
        .target(name: "PersistedQueries", dependencies: [graphQL, "Crypto", "Kit", "Contract", "Ports", "Postgres", "Redis", logging], swiftSettings: strict),

        // Issue 5: the audit log, the money ledger, its workers and its admin API.
        .target(name: "Audit", dependencies: ["Kit", "Postgres", "Contract", logging], swiftSettings: strict),
        .target(
            name: "Ledger",
            dependencies: ["Contract", "Kit", "Ports", "Audit", "Postgres", "Config", "Telemetry", logging, metrics, coreMetrics],
            swiftSettings: strict
        ),
        .target(
            name: "Workers",
            dependencies: ["Kit", "Ledger", "Audit", "Contract", "Postgres", "Config", logging, coreMetrics],
            swiftSettings: strict
        ),
        .target(
            name: "BudgetAdmin",
            dependencies: ["Kit", "Ledger", "Audit", "Contract", "Postgres", "GraphQLAnalysis", "Config", "HTTPClient", "Telemetry", "Reports", logging],
            swiftSettings: strict
        ),

        // Issue 7: the rate limit (Redis token buckets), the four-eyes policy and its approval flow.
        .target(
            name: "RateLimit",
            dependencies: ["Kit", "Ports", "Redis", "Config", "Telemetry", logging, coreMetrics],
            swiftSettings: strict
        ),
        // Issue 15: the canary cutover's pure rules: the split, the plan, the state machine
        // and the judge over per-arm sliding windows.
        .target(name: "Cutover", dependencies: ["Crypto"], swiftSettings: strict),
        // The cutover's shared state (Postgres, Redis broadcast), its live routing and judge,
        // and its admin routes.
        .target(
            name: "Cutovers",
            dependencies: ["Cutover", "Ports", "Config", "Contract", "Audit", "Kit", "Postgres", "Redis", "Telemetry", logging, metrics, coreMetrics],
            swiftSettings: strict
        ),
        // Issue 16: the go/no-go gates' pure parts: the matrix, verdicts over samples, the
        // load-test and drill inputs, in-toto statements and DSSE envelopes.
        .target(name: "Gates", dependencies: ["Kit", "Crypto", "Config", yams], swiftSettings: strict),
        // The gates' sources (Prometheus, the ledger, the policy bundle, files, commands,
        // sign-offs), their runs in the audit log, and their admin routes.
        .target(
            name: "GateChecks",
            dependencies: ["Gates", "Kit", "Crypto", "Contract", "Audit", "Postgres", "HTTPClient", "Config", logging],
            swiftSettings: strict
        ),
        // The signed evidence bundle of a release: write and verify.
        .target(name: "Evidence", dependencies: ["Gates", "Kit", "Crypto", "Audit", "Postgres"], swiftSettings: strict),
        // The DR drill: a point-in-time restore of the ledger into a scratch Postgres.
        .target(name: "Drill", dependencies: ["Kit", "Postgres", "Audit", "HTTPClient", "Sockets", logging], swiftSettings: strict),
        // Issue 17: the cost downshift ladder's pure rules (tiers, effects, burn, hysteresis)
        // and the bounded response cache for @cacheable queries.
        .target(name: "Downshift", dependencies: [], swiftSettings: strict),
        .target(name: "ResponseCache", dependencies: ["Kit"], swiftSettings: strict),
        // Issue 18: injected faults (the drill's faults, their checks, the book the call sites read).
        .target(name: "Chaos", dependencies: ["Kit"], swiftSettings: strict),
        // The daily FinOps report: its figures and its JSON, CSV and HTML (SPEC §15).
        .target(name: "Reports", dependencies: ["Kit"], swiftSettings: strict),
        // The ladder's shared state, its automatic switching on money burn, its synthetic
        // checks and its admin routes.
        .target(
            name: "Downshifts",
            dependencies: ["Downshift", "Ports", "Config", "Contract", "Audit", "Kit", "Postgres", "Redis", "GateChecks", "Gates", "HTTPClient", logging, coreMetrics],
            swiftSettings: strict
        ),
        .target(name: "ApprovalPolicy", dependencies: ["HTTPClient", "Kit", "Crypto", "GraphQLAnalysis"], swiftSettings: strict),
        .target(
            name: "FourEyes",
            dependencies: [
                "Kit", "ApprovalPolicy", "Contract", "Ports", "Audit", "Postgres", "Identity", "Telemetry", logging, coreMetrics,
            ],
            swiftSettings: strict
        ),


        // Pure configuration and telemetry plumbing.
        .target(name: "Config", dependencies: [yams], swiftSettings: strict),
        .target(name: "Telemetry", dependencies: ["Kit", logging, coreMetrics, prometheus], swiftSettings: strict),

        // The contract's vocabulary every area shares: SPEC §1's rejections and the admin
        // call/reply/route types (no server), so each area's handlers live beside its domain.
        .target(name: "Contract", dependencies: ["Kit", "GraphQLAnalysis", "Identity", "Telemetry"], swiftSettings: strict),
        // The ports: what the admission steps ask of the stores (a rate check, a reservation
        // store, an approval gate, an allowlist check) and the values they trade. The
        // adapters implement them; the steps know nothing else of Redis or Postgres.
        .target(name: "Ports", dependencies: ["Kit", "Contract", "HTTP", "GraphQLAnalysis", "ApprovalPolicy", "Cutover", "Downshift"], swiftSettings: strict),

        // The admission chain and the routes that are ours.
        .target(
            name: "Admission",
            dependencies: [
                "Kit",
                "Contract", "HTTP", "GraphQLAnalysis", "Identity", "Ports", "ApprovalPolicy", "Cutover", "Downshift", "ResponseCache",
                logging,
            ],
            swiftSettings: strict
        ),
        // The web UI (/admin/ui/): pages over the admin API's handlers; no server, no store.
        .target(name: "AdminUI", dependencies: ["Kit", "Contract", "Identity", "Crypto"], swiftSettings: strict),
        .target(
            name: "Admin",
            dependencies: [
                "Kit", "Contract",
                "Admission", "HTTP", "HTTPServer", "HTTPClient", "Gzip", "Identity",
                "PersistedQueries", logging, prometheus,
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "Contract",
                "Config", "HTTP", "HTTPServer", "HTTPClient", "Admission", "Admin", "Telemetry", "Gzip",
                "Kit", "Crypto", "Sockets", "Postgres", "Redis", "GraphQLAnalysis", "Identity", "PersistedQueries",
                "Audit", "Ledger", "Workers", "BudgetAdmin", "RateLimit", "ApprovalPolicy", "FourEyes", "Ports", "Cutover", "Cutovers", "GateChecks",
                "Downshift", "Downshifts", "ResponseCache", "Chaos", "AdminUI",
                logging, metrics, coreMetrics, prometheus,
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "safemut",
            dependencies: [
                "Kit", "Gateway", "Config", "Telemetry", "Postgres", "Redis", "Migrations", "Sockets", "GraphQLAnalysis",
                "PersistedQueries", "Audit", "Ledger", "Workers", "BudgetAdmin", "HTTPClient", "Cutover", "Crypto", "Gates", "GateChecks", "Evidence", "Drill", "Reports", "SMTP",
                argumentParser, logging,
            ],
            swiftSettings: strict
        ),

        // The demo upstream: a real GraphQL server on our own HTTP server.
        .target(name: "IntelGraphDemo", dependencies: [graphQL], swiftSettings: strict),
        .executableTarget(
            name: "intelgraph-demo",
            dependencies: ["IntelGraphDemo", "HTTPServer", "HTTP", argumentParser],
            swiftSettings: strict
        ),

        // Test harness: starts real processes on loopback, stops them by PID.
        .target(name: "TestSupport", dependencies: ["Sockets", "HTTP", "Postgres", "Migrations", logging], swiftSettings: strict),

        .testTarget(name: "HTTPTests", dependencies: ["HTTP"], swiftSettings: strict),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "HTTP", "Sockets", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Contract",
                "Gateway", "Admission", "Admin", "Config", "Identity", "Crypto", "HTTPServer", "HTTPClient", "HTTP", "Sockets", "Gzip",
                "GraphQLAnalysis", "Kit", "PersistedQueries", "Ports", "ApprovalPolicy", "TestSupport", logging, prometheus,
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(name: "KitTests", dependencies: ["Kit"], swiftSettings: strict),
        .testTarget(name: "GraphQLAnalysisTests", dependencies: ["GraphQLAnalysis", "Kit", "TestSupport"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", "Crypto", "HTTP", "Kit"], swiftSettings: strict),
        .testTarget(
            name: "PersistedQueriesTests",
            dependencies: ["PersistedQueries", "Kit", "Postgres", "Redis", "Migrations", "TestSupport", "Crypto", logging],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LedgerTests",
            dependencies: ["Ledger", "Ports", "Postgres", "Migrations", "TestSupport", logging],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AuditWorkersTests",
            dependencies: ["Kit", "Contract", "Audit", "Workers", "Ledger", "Admin", "Postgres", "Migrations", "TestSupport", "Identity", "Config", logging],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BudgetAdminTests",
            dependencies: [
                "Kit", "Contract",
                "BudgetAdmin", "Admin", "Postgres", "Migrations", "TestSupport", "GraphQLAnalysis", "Identity", "Config",
                "HTTP", "HTTPServer", "Sockets", logging,
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RateLimitTests",
            dependencies: [
                "Contract",
                "RateLimit", "Ports", "Redis", "Admission", "Config", "Identity", "GraphQLAnalysis", "HTTP", "TestSupport", logging,
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "ApprovalPolicyTests", dependencies: ["ApprovalPolicy", "Kit", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "FourEyesTests",
            dependencies: [
                "Kit", "Contract",
                "FourEyes", "ApprovalPolicy", "Ports", "Admission", "Postgres", "Migrations", "TestSupport", "GraphQLAnalysis", "HTTP", logging,
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "CutoverTests", dependencies: ["Cutover"], swiftSettings: strict),
        .testTarget(name: "GatesTests", dependencies: ["Gates", "Kit", "Crypto"], swiftSettings: strict),
        .testTarget(name: "DownshiftTests", dependencies: ["Downshift"], swiftSettings: strict),
        .testTarget(name: "ResponseCacheTests", dependencies: ["ResponseCache"], swiftSettings: strict),
        .testTarget(name: "ChaosTests", dependencies: ["Chaos", "Kit"], swiftSettings: strict),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Kit", "SMTP"], swiftSettings: strict),
        .testTarget(name: "AdminUITests", dependencies: ["AdminUI", "Contract", "Identity", "Kit", "Crypto"], swiftSettings: strict),
        .testTarget(name: "GateChecksTests", dependencies: ["GateChecks", "Gates"], swiftSettings: strict),
        .testTarget(name: "DrillTests", dependencies: ["Drill", "Kit", "Postgres", "Migrations", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "GzipTests", dependencies: ["Gzip"], swiftSettings: strict),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"], swiftSettings: strict),
        .testTarget(name: "ConfigTests", dependencies: ["Config"], swiftSettings: strict),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", logging], swiftSettings: strict),
        .testTarget(name: "IntelGraphDemoTests", dependencies: ["IntelGraphDemo", graphQL], swiftSettings: strict),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "MigrationsTests", dependencies: ["Migrations", "Postgres", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["TestSupport", "HTTP", "Crypto", "Postgres", logging],
            swiftSettings: strict
        ),
    ]
)
