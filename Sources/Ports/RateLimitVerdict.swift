/// What one rate-limit check decided.
public enum RateLimitVerdict: Sendable, Equatable {
    /// Every bucket had a token; they were taken.
    case allowed
    /// A bucket was short; nothing was taken.
    case limited(RateLimitDenial)
    /// Redis could not answer; `rate.fail_mode` is `open`, so the request goes on.
    case failedOpen(RateLimitFailure)
    /// Redis could not answer; `rate.fail_mode` is `closed`.
    case failedClosed(RateLimitFailure)
    /// `rate.enabled` is off.
    case disabled
}

/// Which bucket ran dry and when it will hold enough again.
public struct RateLimitDenial: Sendable, Equatable {
    public enum Scope: String, Sendable, Equatable {
        case tenant, operation
    }

    public var scope: Scope
    /// The mutation root field, for the operation scope.
    public var field: String?
    /// The bucket's burst (whole tokens) and refill rate.
    public var burst: Int
    public var rate: String
    /// Microseconds until the bucket holds this request's cost.
    public var waitMicros: Int64

    public init(scope: Scope, field: String?, burst: Int, rate: String, waitMicros: Int64) {
        self.scope = scope
        self.field = field
        self.burst = burst
        self.rate = rate
        self.waitMicros = waitMicros
    }

    /// `Retry-After`: whole seconds rounded up, at least 1.
    public var retryAfterSeconds: Int64 { Self.retryAfterSeconds(waitMicros: waitMicros) }

    /// `Retry-After` for a wait: whole seconds rounded up, at least 1.
    public static func retryAfterSeconds(waitMicros: Int64) -> Int64 {
        max(1, (waitMicros + 999_999) / 1_000_000)
    }
}

/// Why Redis gave no decision; the `kind` label of `rate_limit_errors_total`.
public struct RateLimitFailure: Error, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// No answer within `rate.timeout_ms` (or the client's own command timeout).
        case timeout
        /// Connect refused, connection lost, no pooled connection, AUTH refused.
        case connection
        /// The client's circuit breaker is open: Redis was failing, so it was not asked.
        case breakerOpen = "breaker_open"
        /// The script failed or answered something other than its three integers.
        case script
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
