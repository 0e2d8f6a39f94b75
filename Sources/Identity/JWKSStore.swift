import Synchronization

/// The key set in force, swapped whole on reload (`SIGHUP`).
///
/// Readers take a snapshot (`current`) and verify against it without holding the lock; a
/// reload builds the new set outside the lock and swaps it in only when it parsed, so a
/// broken file never replaces working keys.
public final class JWKSStore: Sendable {
    private let state: Mutex<JWKSet>

    /// A store holding `keySet`.
    public init(keySet: JWKSet) {
        state = Mutex(keySet)
    }

    /// A store loaded from the JWKS file at `path`.
    public convenience init(path: String) throws(JWKSError) {
        self.init(keySet: try JWKSet.load(path: path))
    }

    /// The set in force now.
    public var current: JWKSet {
        state.withLock { $0 }
    }

    /// Loads `path` and, if it parses, makes it the set in force and returns it. On error
    /// the previous set stays in force and the error names the file and the reason.
    @discardableResult
    public func reload(from path: String) throws(JWKSError) -> JWKSet {
        let fresh = try JWKSet.load(path: path)
        state.withLock { $0 = fresh }
        return fresh
    }

    /// Makes `keySet` the set in force (for sets built in memory).
    public func replace(with keySet: JWKSet) {
        state.withLock { $0 = keySet }
    }
}
