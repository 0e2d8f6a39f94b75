/// Something bound for Postgres on behalf of one tenant.
protocol TenantItem {
    var tenant: String { get }
}

/// Work waiting to go to Postgres in batches, shared by reservations and settlements.
///
/// At most `maxInFlight` batches run at once, and a tenant is in at most one of them:
/// batches for different tenants run side by side, while a hot tenant's items gather into
/// one batch at a time instead of several batches queueing on its budget row lock. Kept
/// inside its owner's `Mutex`; each running batch is a "slot" that loops on `next`.
struct TenantBatches<Item: TenantItem> {
    let maxInFlight: Int
    let maxBatch: Int
    private(set) var waiting: [Item] = []
    private var inFlight = 0
    /// Tenants in a batch now.
    private var busyTenants: Set<String> = []

    init(maxInFlight: Int, maxBatch: Int) {
        self.maxInFlight = max(1, maxInFlight)
        self.maxBatch = max(1, maxBatch)
    }

    /// Queues `item`; true when the caller must start a new slot for it (a slot is free and
    /// its tenant is in no running batch). Otherwise a running slot will take it.
    mutating func add(_ item: Item) -> Bool {
        waiting.append(item)
        guard inFlight < maxInFlight, !busyTenants.contains(item.tenant) else { return false }
        inFlight += 1
        return true
    }

    /// The slot's next batch, after its previous batch of `finished` tenants came back: up to
    /// `maxBatch` items in arrival order, of tenants in no running batch. Empty: the slot ends.
    mutating func next(after finished: Set<String>) -> [Item] {
        busyTenants.subtract(finished)
        var taken: [Item] = []
        var kept: [Item] = []
        var tenants: Set<String> = []
        for item in waiting {
            if taken.count < maxBatch, !busyTenants.contains(item.tenant) {
                taken.append(item)
                tenants.insert(item.tenant)
            } else {
                kept.append(item)
            }
        }
        waiting = kept
        busyTenants.formUnion(tenants)
        if taken.isEmpty { inFlight -= 1 }
        return taken
    }

    /// Puts a failed batch back in front, in order (its tenants stay busy until `next`).
    mutating func putBack(_ items: [Item]) {
        waiting = items + waiting
    }
}
