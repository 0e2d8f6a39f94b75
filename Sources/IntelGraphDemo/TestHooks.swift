/// Per-request knobs for the gateway's proxy tests, read from headers:
///
/// - `X-Demo-Delay-Ms: N` — wait N ms (0…30000) before answering.
/// - `X-Demo-Status: N` — answer with HTTP status N (100…599) and a GraphQL
///   error body, *without* executing anything (an upstream that failed).
/// - `X-Demo-Cost-Multiplier: M` — multiply the reported
///   `extensions.cost` by M (a decimal, 0 < M ≤ 1000, ≤ 6 places), e.g. `3`
///   to report an `actualUsd` above the field's `@budget` cap.
struct TestHooks: Sendable, Equatable {
    var delay: Duration = .zero
    var forcedStatus: Int?
    /// Fixed-point with six decimals: 1,000,000 means ×1.
    var costMultiplierMicros: Int64 = MicroUSD.scale

    static let delayHeader = "X-Demo-Delay-Ms"
    static let statusHeader = "X-Demo-Status"
    static let costMultiplierHeader = "X-Demo-Cost-Multiplier"

    /// Reads the hooks; a malformed value is the client's mistake (400).
    init(request: DemoRequest) throws(HTTPRequestError) {
        if let text = request.header(Self.delayHeader) {
            guard let milliseconds = Int(text), milliseconds >= 0 else {
                throw .badHeader(name: Self.delayHeader, reason: "must be a whole number of milliseconds")
            }
            // Clamped rather than refused, so a test asking for "forever" still ends.
            delay = .milliseconds(min(milliseconds, DemoConfiguration.maxHookDelayMilliseconds))
        }
        if let text = request.header(Self.statusHeader) {
            guard let status = Int(text), (100...599).contains(status) else {
                throw .badHeader(name: Self.statusHeader, reason: "must be an HTTP status 100-599")
            }
            forcedStatus = status
        }
        if let text = request.header(Self.costMultiplierHeader) {
            guard let micros = MicroUSD.parseMicros(text), micros > 0,
                micros <= DemoConfiguration.maxCostMultiplier.micros
            else {
                throw .badHeader(
                    name: Self.costMultiplierHeader, reason: "must be a decimal above 0 and at most 1000"
                )
            }
            costMultiplierMicros = micros
        }
    }

    init() {}
}
