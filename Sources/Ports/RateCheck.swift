/// The rate step's port: take a token from a tenant's bucket and from each of its mutation
/// root fields' buckets, or say which one ran dry. `RateLimiter` (Redis) implements it; the
/// step decides what a verdict means for the request.
public protocol RateCheck: Sendable {
    func check(tenant: String, fields: [String], requestID: String) async -> RateLimitVerdict
}
