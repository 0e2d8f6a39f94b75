import Foundation

/// Where the ledger's "now" comes from: the one clock for every reservation, settlement and
/// release, passed to the SQL functions as `p_now`.
///
/// Production reads the database's clock (`.database`: the SQL side takes `now()`), so every
/// replica sees a UTC day or month roll over at the same instant, whatever its own clock says.
/// Tests inject a clock (`.reading`), so a test that reserves "just before midnight" creates
/// its tenant's windows at that same instant instead of at the day the suite happens to run.
public struct LedgerClock: Sendable {
    private let read: @Sendable () -> Date?

    /// The database's `now()`; the default.
    public static let database = LedgerClock { nil }

    /// An injected clock; every call the store makes passes its reading to SQL.
    public static func reading(_ now: @escaping @Sendable () -> Date) -> LedgerClock {
        LedgerClock { now() }
    }

    private init(_ read: @escaping @Sendable () -> Date?) {
        self.read = read
    }

    /// The instant to pass as `p_now`: an explicit one wins, else this clock's reading
    /// (`nil` means the database decides).
    public func now(_ explicit: Date? = nil) -> Date? {
        explicit ?? read()
    }
}
