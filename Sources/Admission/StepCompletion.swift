/// A step's post phase: what it does once the request it admitted has ended.
///
/// A step that took something for the request (the ledger's reservation, a four-eyes
/// approval, a canary arm's sample) registers a completion in the context
/// (`RequestContext.onCompletion`). Exactly one of the two methods is called, once:
/// `refused` when a later step rejected or answered the request instead, `finished` when
/// it was forwarded. Completions run newest first, so each step undoes after the steps
/// that ran after it. Steps never see each other's completions.
public protocol StepCompletion: Sendable {
    /// Whether `finished` needs the response body (the ledger reads `extensions.cost`);
    /// the gateway then asks the upstream for it uncompressed and keeps a bounded copy.
    var needsResponseBody: Bool { get }
    /// A later step refused the request: it never reached the upstream. Awaited before the
    /// refusal is answered, so a client that retries at once finds what was given back.
    func refused() async
    /// The request was forwarded and ended so. Called on the connection's loop after the
    /// client's response is on its way: it must not block (hand slow work to a task).
    func finished(_ ending: ForwardEnding)
}

extension StepCompletion {
    public var needsResponseBody: Bool { false }
    public func refused() async {}
    public func finished(_ ending: ForwardEnding) {}
}

/// How a forwarded request ended.
public enum ForwardEnding: Sendable, Equatable {
    /// The upstream answered. `body` is the whole response body when a completion asked for
    /// it and it fit in the gateway's copy; nil otherwise. `headers` are the upstream's
    /// end-to-end headers (the response cache reads `Cache-Control`), kept with the body.
    case answered(status: Int, body: [UInt8]?, headers: [(String, String)] = [])
    /// The upstream failed. `reachedUpstream`: the request may have been delivered (it was
    /// written, or a response had begun), so a mutation may have run. False only when it
    /// provably never left: the upstream refused the connection or none was free.
    case failed(reachedUpstream: Bool)
    /// The client went away before the upstream answered; the request may have run.
    case clientGone

    public static func == (lhs: ForwardEnding, rhs: ForwardEnding) -> Bool {
        switch (lhs, rhs) {
        case let (.answered(a, b, c), .answered(x, y, z)): a == x && b == y && c.elementsEqual(z, by: { $0 == $1 })
        case let (.failed(a), .failed(b)): a == b
        case (.clientGone, .clientGone): true
        default: false
        }
    }
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
