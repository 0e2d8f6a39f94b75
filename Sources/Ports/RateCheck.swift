/// The rate step's port: take a token from a tenant's bucket and from each of its mutation
/// root fields' buckets, or say which one ran dry. `RateLimiter` (Redis) implements it; the
/// step decides what a verdict means for the request.
public protocol RateCheck: Sendable {
    /// `rateFactorPerMille` scales the refill rates for this request (the downshift
    /// ladder's throttle: 500 is × 0.5); 1000 leaves them as configured.
    func check(tenant: String, fields: [String], requestID: String, rateFactorPerMille: Int) async -> RateLimitVerdict
}
