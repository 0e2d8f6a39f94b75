/// What `LoopbackOperatorGuard` decided for one credential-less admin call from loopback.
public enum LoopbackDecision: Sendable, Equatable {
    /// The call may act as `local-operator`.
    case allow
    /// The call looks like a browser acting for some page, not like an operator's curl.
    case refuse(LoopbackRefusal)
}

/// Why a credential-less admin call from loopback may not act as `local-operator`.
///
/// Each case is one way a web page open in a browser on the machine reaches the loopback
/// port: the message names it, so the operator reading the 403 or the warning knows which
/// header to drop or which setting to change.
public enum LoopbackRefusal: Sendable, Equatable {
    /// No `Host` at all (HTTP/1.0; the decoder already answers 400 to HTTP/1.1 without one).
    case missingHost
    /// `Host` names something other than `localhost` or a loopback address: a page whose
    /// DNS name was re-pointed at 127.0.0.1 (DNS rebinding) sends its own name.
    case hostNotLoopback(String)
    /// `Origin: null`: a sandboxed frame, a `data:` page or a redirected form.
    case nullOrigin
    /// An `Origin` that is not one of `admin.loopback_allowed_origins`.
    case originNotAllowed(String)
    /// A header that decides the outcome was sent more than once.
    case repeatedHeader(String)
    /// `Sec-Fetch-Site` other than `none` (typed by the user) or `same-origin`, on a call
    /// without an allowed `Origin`.
    case fetchSite(String)
    /// A state-changing call with a body type an HTML form or a no-cors `fetch` can send,
    /// from a page (`Origin` present).
    case formContentWithOrigin(contentType: String, origin: String)
    /// A state-changing call with a browser-form body type that is not a JSON object. curl's
    /// `-d` labels JSON `application/x-www-form-urlencoded`, so JSON is let through.
    case formContentNotJSON(contentType: String)

    /// The client-facing message, also logged.
    public var message: String {
        let prefix = "loopback operator refused: "
        return switch self {
        case .missingHost:
            prefix + "the request has no Host header"
        case .hostNotLoopback(let host):
            prefix + "Host \(host) is not localhost or a loopback address (DNS rebinding?)"
        case .nullOrigin:
            prefix + "Origin null (a sandboxed or opaque page)"
        case .originNotAllowed(let origin):
            prefix + "Origin \(origin) is not an allowed loopback origin"
        case .repeatedHeader(let name):
            prefix + "\(name) sent more than once"
        case .fetchSite(let value):
            prefix + "Sec-Fetch-Site \(value) (the browser says a page of another origin sent it)"
        case .formContentWithOrigin(let contentType, let origin):
            prefix + "a \(contentType) body from Origin \(origin); send application/json"
        case .formContentNotJSON(let contentType):
            prefix + "a \(contentType) body that is not a JSON object; send application/json"
        }
    }
}
