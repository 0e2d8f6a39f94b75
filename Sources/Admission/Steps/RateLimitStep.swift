import Contract
import Ports

/// The rate step (SPEC §2): a mutation takes a token from its tenant's bucket and from
/// each of its root fields' buckets, or is refused `RATE_LIMITED` (429, `Retry-After`).
/// When Redis cannot answer, `rate.fail_mode` decides: `open` admits, `closed` answers
/// `DEPENDENCY_UNAVAILABLE` (503) at once. Queries pass without a Redis call.
public struct RateLimitStep: AdmissionStep {
    public let name = "rate"
    let limiter: any RateCheck

    public init(limiter: any RateCheck) {
        self.limiter = limiter
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        guard let operation = context.operation, operation.kind == .mutation else { return .continue }
        guard let identity = context.identity else {
            return .reject(Rejection(.unauthenticated, "a mutation needs an identity before it is rate-limited"))
        }
        let verdict = await limiter.check(
            tenant: identity.tenant, fields: operation.rootFields.map(\.name), requestID: context.requestID,
            rateFactorPerMille: context.rateFactorPerMille)
        switch verdict {
        case .allowed, .disabled, .failedOpen:
            return .continue
        case .limited(let denial):
            return .reject(Self.rejection(denial, tenant: identity.tenant))
        case .failedClosed(let failure):
            return .reject(Rejection(
                .dependencyUnavailable, "the rate limiter cannot reach Redis (\(failure.kind.rawValue)) and rate.fail_mode is closed",
                details: [("dependency", .string("redis")), ("check", .string("rate"))]))
        }
    }

    static func rejection(_ denial: RateLimitDenial, tenant: String) -> Rejection {
        let seconds = denial.retryAfterSeconds
        let bucket = denial.field.map { "tenant \(tenant)'s \($0) bucket" } ?? "tenant \(tenant)'s bucket"
        var details: [(String, Rejection.Detail)] = [("scope", .string(denial.scope.rawValue))]
        if let field = denial.field { details.append(("field", .string(field))) }
        details += [
            ("limit", .int(Int64(denial.burst))),
            ("ratePerSecond", .string(denial.rate)),
            ("retryAfterSeconds", .int(seconds)),
        ]
        return Rejection(
            .rateLimited, "rate limit: \(bucket) is empty (burst \(denial.burst), \(denial.rate)/s); retry after \(seconds) s",
            details: details, headers: [("Retry-After", String(seconds))])
    }
}
