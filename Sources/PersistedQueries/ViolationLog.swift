import Foundation

/// A violation as kept for `GET /admin/persisted-queries`.
public struct RecordedViolation: Sendable, Hashable {
    public let time: Date
    public let tenant: String?
    public let hash: String
    public let operationName: String?
    public let phase: AllowlistPhase
    /// Whether the request was refused (`enforce`) or let through (`log`).
    public let rejected: Bool
}

/// The most recent violations, oldest overwritten first. Client-chosen strings are cut to
/// `maxFieldLength` so the buffer's memory is bounded by its capacity.
struct ViolationLog: Sendable {
    static let maxFieldLength = 128

    let capacity: Int
    private var items: [RecordedViolation] = []
    private var next = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        items.reserveCapacity(self.capacity)
    }

    mutating func record(_ violation: PersistedQueryViolation, rejected: Bool, at time: Date) {
        let item = RecordedViolation(
            time: time,
            tenant: violation.tenant.map { String($0.prefix(Self.maxFieldLength)) },
            hash: String(violation.hash.prefix(Self.maxFieldLength)),
            operationName: violation.operationName.map { String($0.prefix(Self.maxFieldLength)) },
            phase: violation.phase,
            rejected: rejected)
        if items.count < capacity {
            items.append(item)
        } else {
            items[next] = item
        }
        next = (next + 1) % capacity
    }

    /// Newest first.
    var newestFirst: [RecordedViolation] {
        guard items.count == capacity else { return items.reversed() }
        return (items[next...] + items[..<next]).reversed()
    }
}
