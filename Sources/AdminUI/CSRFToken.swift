import Kit
import Crypto

/// The web UI's CSRF token: `v1.<issued unix seconds>.<hex HMAC-SHA256>` over the caller's
/// subject and roles and the issue time, under a key only the gateway holds. A page carries
/// it; every state change sends it back (`X-CSRF-Token`) and is refused without a valid one
/// for the same person. Checked in constant time; valid for `lifetimeSeconds`.
public struct CSRFToken: Sendable {
    private let key: [UInt8]
    private let clock: @Sendable () -> Int64
    public let lifetimeSeconds: Int64

    /// `clock`: unix seconds (tests inject theirs).
    public init(key: [UInt8], lifetimeSeconds: Int64 = 12 * 3600, clock: @escaping @Sendable () -> Int64) {
        self.key = key
        self.lifetimeSeconds = lifetimeSeconds
        self.clock = clock
    }

    public func issue(subject: String, roles: [String]) -> String {
        let issued = clock()
        return "v1.\(issued).\(mac(subject: subject, roles: roles, issued: issued))"
    }

    /// Why a token is refused; nil when it is good for this person now.
    public func problem(_ token: String?, subject: String, roles: [String]) -> String? {
        guard let token, !token.isEmpty else { return "the request has no X-CSRF-Token (reload the page)" }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let issued = Int64(parts[1]) else { return "the CSRF token is malformed" }
        let now = clock()
        guard issued <= now + 60 else { return "the CSRF token is from the future" }
        guard now - issued <= lifetimeSeconds else { return "the CSRF token has expired (reload the page)" }
        let expected = mac(subject: subject, roles: roles, issued: issued)
        guard constantTimeEqual(Array(parts[2].utf8), Array(expected.utf8)) else {
            return "the CSRF token is not this person's"
        }
        return nil
    }

    private func mac(subject: String, roles: [String], issued: Int64) -> String {
        // Lengths first, so no choice of subject and roles can collide with another's.
        let message = "\(subject.utf8.count):\(subject)|\(roles.sorted().joined(separator: ","))|\(issued)"
        return Hex.encode(HMACSHA256.authenticationCode(key: key, message: Array(message.utf8)))
    }
}
