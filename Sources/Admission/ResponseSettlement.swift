/// What becomes of a step's hold (the ledger's reservation) once the upstream has answered
/// or failed. The gateway calls exactly one of the methods, once, after the client's
/// response is on its way: settlement never delays the response.
public protocol ResponseSettlement: Sendable {
    /// The upstream answered. `body` is the whole response body, or nil when it was larger
    /// than the gateway keeps for settlement (then the estimate is charged).
    func upstreamAnswered(status: Int, body: [UInt8]?)
    /// The upstream failed. `reachedUpstream`: the request may have been delivered (it was
    /// written, or a response had begun), so the mutation may have run. False only when the
    /// request provably never left: the upstream refused the connection or none was free.
    func upstreamFailed(reachedUpstream: Bool)
    /// The client went away before the upstream answered; the request may have run.
    func clientGone()
}

/// A response a step answers with itself, instead of forwarding (an idempotent retry
/// gets the first attempt's response back).
public struct StoredAnswer: Sendable, Equatable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func == (lhs: StoredAnswer, rhs: StoredAnswer) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && lhs.headers.elementsEqual(rhs.headers, by: { $0 == $1 })
    }
}
