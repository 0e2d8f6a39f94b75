import Contract
import Identity

/// Who is calling: a verified JWT, or trusted headers behind an
/// authenticating proxy (SPEC §2 Identify). A tenant header that disagrees
/// with the token is `FORBIDDEN`; anything else missing or invalid is
/// `UNAUTHENTICATED`.
public struct IdentifyStep: AdmissionStep {
    public let name = "identify"
    let authenticator: Authenticator

    public init(authenticator: Authenticator) {
        self.authenticator = authenticator
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        switch authenticator.identify(headers: context.head.headers, peerIsLoopback: context.peerIsLoopback, route: .graphQL) {
        case .success(let identity):
            context.identity = identity
            return .continue
        case .failure(let error):
            let code: Rejection.Code = error.code == .forbidden ? .forbidden : .unauthenticated
            var headers: [(String, String)] = []
            if code == .unauthenticated { headers.append(("WWW-Authenticate", "Bearer")) }
            return .reject(Rejection(code, error.message, headers: headers))
        }
    }
}
