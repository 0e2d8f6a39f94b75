import Synchronization

/// Leasing connections, routing shared statements, waiters, and the counters
/// behind `stats()`.
extension PostgresPool {
    /// Leases a connection to one caller: an idle one, or a new one while the
    /// bound allows; otherwise waits FIFO up to `acquireTimeout`.
    func acquire() async throws(PostgresError) -> PostgresConnection {
        try await obtain(.lease)
    }

    /// Picks a connection for one shared statement and counts it there.
    func route() async throws(PostgresError) -> PostgresConnection {
        try await obtain(.share)
    }

    /// Returns a leased connection: first a cleanup job on its thread (roll back
    /// an abandoned transaction), then to the next waiter or the idle set.
    func release(_ connection: PostgresConnection) {
        connection.post { link in link.resetIfNeeded() }
        let (served, closeIt) = state.withLock { s -> ([(Waiter, PostgresConnection)], Bool) in
            guard let index = s.slots.firstIndex(where: { $0.connection === connection }) else { return ([], true) }
            if s.closed {
                s.slots.remove(at: index)
                return ([], true)
            }
            s.slots[index].leased = false
            return (serveWaiters(&s), false)
        }
        if closeIt { connection.close() }
        for (waiter, given) in served { waiter.continuation.resume(returning: .success(given)) }
    }

    /// Runs on a connection thread after each pipelined statement: hands freed
    /// room (or a now idle connection) to waiters.
    func settled() {
        guard waiting.load(ordering: .relaxed) > 0 else { return }
        let served = state.withLock { s in serveWaiters(&s) }
        for (waiter, given) in served { waiter.continuation.resume(returning: .success(given)) }
    }

    private func obtain(_ kind: WaiterKind) async throws(PostgresError) -> PostgresConnection {
        let immediate = state.withLock { s -> Result<PostgresConnection, PostgresError>? in
            if s.closed { return .failure(PostgresError(.poolClosed, message: "pool closed")) }
            // Nobody overtakes a waiter: otherwise a steady stream of shared
            // statements keeps every connection busy and a lease never gets one.
            guard s.waiters.isEmpty else { return nil }
            return take(kind, &s).map { .success($0) }
        }
        let result: Result<PostgresConnection, PostgresError>
        if let immediate {
            result = immediate
        } else {
            result = await wait(kind)
        }
        if case .failure(let error) = result {
            state.withLock { s in
                if error.kind == .poolTimeout { s.timeouts += 1 }
                s.errors[error.kind, default: 0] += 1
            }
        }
        return try result.get()
    }

    /// Takes a connection for `kind` if one is available now, counting it.
    private func take(_ kind: WaiterKind, _ s: inout State) -> PostgresConnection? {
        // An idle connection serves either kind.
        if let index = s.slots.firstIndex(where: { !$0.leased && $0.connection.load == 0 }) {
            return claim(index, kind, &s)
        }
        if s.slots.count < configuration.maxConnections {
            let connection = PostgresConnection(id: s.slots.count + 1, configuration: configuration) { [weak self] in
                self?.settled()
            }
            s.slots.append(Slot(connection: connection))
            return claim(s.slots.count - 1, kind, &s)
        }
        guard kind == .share else { return nil }
        var best: Int?
        var bestLoad = Int.max
        for index in s.slots.indices where !s.slots[index].leased {
            let load = s.slots[index].connection.load
            if load < bestLoad {
                best = index
                bestLoad = load
            }
        }
        guard let best, bestLoad < configuration.maxPipelineDepth else { return nil }
        return claim(best, kind, &s)
    }

    private func claim(_ index: Int, _ kind: WaiterKind, _ s: inout State) -> PostgresConnection {
        let connection = s.slots[index].connection
        switch kind {
        case .lease: s.slots[index].leased = true
        case .share: connection.reserve()
        }
        s.acquired += 1
        return connection
    }

    /// Serves waiters in order while the head one can be served (strict FIFO,
    /// so a lease is never starved by shared statements behind it).
    private func serveWaiters(_ s: inout State) -> [(Waiter, PostgresConnection)] {
        var served: [(Waiter, PostgresConnection)] = []
        let now = ContinuousClock.now
        while let head = s.waiters.first, let connection = take(head.kind, &s) {
            s.waiters.removeFirst()
            waiting.subtract(1, ordering: .relaxed)
            let waited = now - head.since
            s.totalWait += waited
            if waited > s.maxWait { s.maxWait = waited }
            served.append((head, connection))
        }
        return served
    }

    private func wait(_ kind: WaiterKind) async -> Result<PostgresConnection, PostgresError> {
        let since = ContinuousClock.now
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<PostgresConnection, PostgresError>, Never>) in
            let id = state.withLock { s -> UInt64? in
                if s.closed {
                    continuation.resume(returning: .failure(PostgresError(.poolClosed, message: "pool closed")))
                    return nil
                }
                // Something may have been freed since `obtain` looked (only when nobody queues ahead).
                if s.waiters.isEmpty, let connection = take(kind, &s) {
                    continuation.resume(returning: .success(connection))
                    return nil
                }
                s.nextWaiter += 1
                s.waiters.append(Waiter(id: s.nextWaiter, kind: kind, since: since, continuation: continuation))
                waiting.add(1, ordering: .relaxed)
                return s.nextWaiter
            }
            if let id {
                let timeout = configuration.acquireTimeout
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.expire(id)
                }
            }
        }
    }

    private func expire(_ id: UInt64) {
        let waiter = state.withLock { s -> Waiter? in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            waiting.subtract(1, ordering: .relaxed)
            return s.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: .failure(PostgresError(
            .poolTimeout, message: "no connection free within \(configuration.acquireTimeout)"
        )))
    }

    /// A snapshot of pool counters for metrics.
    public func stats() -> PostgresPoolStats {
        state.withLock { s in
            let loads = s.slots.map(\.connection.load)
            let busy = zip(s.slots, loads).filter { $0.0.leased || $0.1 > 0 }.count
            return PostgresPoolStats(
                maxConnections: configuration.maxConnections, open: s.slots.count, idle: s.slots.count - busy,
                inUse: busy, inFlight: loads.reduce(0, +), pipelined: s.slots.reduce(0) { $0 + $1.connection.pipelined }, waiting: s.waiters.count, acquired: s.acquired,
                totalWait: s.totalWait, maxWait: s.maxWait, acquireTimeouts: s.timeouts, errors: s.errors
            )
        }
    }

    /// Fails waiters and closes unleased connections now (each answers what it
    /// has queued first) and leased ones when returned.
    public func close() {
        let (unleased, waiters) = state.withLock { s -> ([PostgresConnection], [Waiter]) in
            s.closed = true
            waiting.store(0, ordering: .relaxed)
            let unleased = s.slots.filter { !$0.leased }.map(\.connection)
            s.slots.removeAll { !$0.leased }
            defer { s.waiters = [] }
            return (unleased, s.waiters)
        }
        unleased.forEach { $0.close() }
        for waiter in waiters {
            waiter.continuation.resume(returning: .failure(PostgresError(.poolClosed, message: "pool closed")))
        }
    }
}
