import Synchronization
@testable import ResponseCache

/// A clock the test moves by hand: no test here reads the wall clock or sleeps.
final class FakeClock: Sendable {
    private let milliseconds: Atomic<Int64>

    init(_ start: Int64 = 1_000_000) {
        milliseconds = Atomic(start)
    }

    var now: Int64 { milliseconds.load(ordering: .relaxed) }

    func advance(ms: Int64) {
        milliseconds.add(ms, ordering: .relaxed)
    }

    var read: @Sendable () -> Int64 {
        { [self] in now }
    }
}

/// A 64-character hex string, like the SHA-256 hashes the gateway passes.
func hex64(_ seed: Character) -> String {
    String(repeating: seed, count: 64)
}

func key(_ tenant: String = "acme", document: Character = "a", variables: Character = "0", operation: String? = nil) -> CacheKey {
    CacheKey(tenant: tenant, documentHash: hex64(document), variablesHash: hex64(variables), operationName: operation)
}

let json = [("Content-Type", "application/json")]

func body(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

extension ResponseCache {
    /// Stores a 200 with a JSON content type and no errors, as most tests want.
    @discardableResult
    func storeOK(_ key: CacheKey, _ body: [UInt8], ttlSeconds: Int = 60, headers: [(String, String)] = json) -> StoreOutcome {
        store(key, status: 200, headers: headers, body: body, ttlSeconds: ttlSeconds, hasErrors: false)
    }
}
