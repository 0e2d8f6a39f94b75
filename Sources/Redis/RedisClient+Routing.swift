import Synchronization

/// Which connection a command goes to, the bound on commands in flight, and
/// the counters behind `stats()`.
extension RedisClient {
    /// Picks the least loaded connection (opening another while every open one
    /// is busy and the bound allows), counts the command on it, and returns it;
    /// waits FIFO up to `acquireTimeout` when every connection is at depth.
    func dispatch() async throws(RedisError) -> RedisConnection {
        enum Route { case ready(RedisConnection), failed(RedisError), wait }
        let route = state.withLock { s -> Route in
            if s.closed { return .failed(RedisError(.closed, "client closed")) }
            // Nobody overtakes a waiter (FIFO under back-pressure).
            guard s.waiters.isEmpty, let connection = leastLoaded(&s) else { return .wait }
            connection.reserve()
            s.acquired += 1
            return .ready(connection)
        }
        switch route {
        case .ready(let connection): return connection
        case .failed(let error): throw error
        case .wait: return try await waitForRoom()
        }
    }

    /// A connection with room, or nil when all are at `maxPipelineDepth`.
    private func leastLoaded(_ s: inout PoolState) -> RedisConnection? {
        var best: RedisConnection?
        var bestLoad = Int.max
        for connection in s.connections {
            let load = connection.load
            if load < bestLoad {
                best = connection
                bestLoad = load
                if load == 0 { break }
            }
        }
        if bestLoad > 0, s.connections.count < configuration.maxConnections {
            let fresh = RedisConnection(id: s.connections.count + 1, configuration: configuration) { [weak self] in
                self?.settled()
            }
            s.connections.append(fresh)
            return fresh
        }
        return bestLoad < configuration.maxPipelineDepth ? best : nil
    }

    private func waitForRoom() async throws(RedisError) -> RedisConnection {
        let clock = ContinuousClock()
        let since = clock.now
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<RedisConnection, RedisError>, Never>) in
            let id = state.withLock { s -> UInt64? in
                // Room may have been freed since `dispatch` looked (only when nobody queues ahead).
                if s.waiters.isEmpty, let connection = leastLoaded(&s) {
                    connection.reserve()
                    s.acquired += 1
                    continuation.resume(returning: .success(connection))
                    return nil
                }
                s.nextWaiter += 1
                s.waiters.append(Waiter(id: s.nextWaiter, since: since, continuation: continuation))
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
        return try result.get()
    }

    /// Runs on a connection thread after each reply: hands room to waiters.
    func settled() {
        guard waiting.load(ordering: .relaxed) > 0 else { return }
        let now = ContinuousClock.now
        let served = state.withLock { s -> [(Waiter, RedisConnection)] in
            var served: [(Waiter, RedisConnection)] = []
            while !s.waiters.isEmpty, let connection = leastLoaded(&s) {
                let waiter = s.waiters.removeFirst()
                waiting.subtract(1, ordering: .relaxed)
                connection.reserve()
                s.acquired += 1
                let waited = now - waiter.since
                s.totalWait += waited
                if waited > s.maxWait { s.maxWait = waited }
                served.append((waiter, connection))
            }
            return served
        }
        for (waiter, connection) in served { waiter.continuation.resume(returning: .success(connection)) }
    }

    private func expire(_ id: UInt64) {
        let waiter = state.withLock { s -> Waiter? in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            waiting.subtract(1, ordering: .relaxed)
            return s.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: .failure(RedisError(.poolTimeout, "no Redis connection had room within \(configuration.acquireTimeout)")))
    }

    /// A snapshot of connection counters and breaker state for metrics.
    public func stats() -> RedisPoolStats {
        let breakerState = self.breakerState
        return state.withLock { s in
            let loads = s.connections.map(\.load)
            let busy = loads.filter { $0 > 0 }.count
            return RedisPoolStats(
                maxConnections: configuration.maxConnections, open: s.connections.count, idle: s.connections.count - busy,
                inUse: busy, inFlight: loads.reduce(0, +), waiting: s.waiters.count, acquired: s.acquired,
                totalWait: s.totalWait, maxWait: s.maxWait, errors: s.errors, breaker: breakerState
            )
        }
    }

    /// Fails waiters and closes the connections; each answers what it has queued first.
    public func close() {
        let (connections, waiters) = state.withLock { s -> ([RedisConnection], [Waiter]) in
            s.closed = true
            waiting.store(0, ordering: .relaxed)
            defer { s.connections = []; s.waiters = [] }
            return (s.connections, s.waiters)
        }
        connections.forEach { $0.close() }
        waiters.forEach { $0.continuation.resume(returning: .failure(RedisError(.closed, "client closed"))) }
    }
}

/// Connection counters and breaker state for `/metrics` and readiness.
public struct RedisPoolStats: Sendable {
    public let maxConnections: Int
    /// Connections opened (each a thread; it reconnects itself after a failure).
    public let open: Int
    /// Open connections with nothing in flight.
    public let idle: Int
    /// Open connections with at least one command in flight.
    public let inUse: Int
    /// Commands queued or awaiting a reply, over all connections.
    public let inFlight: Int
    /// Callers waiting because every connection was at `maxPipelineDepth`.
    public let waiting: Int
    /// Commands routed to a connection since start.
    public let acquired: UInt64
    /// Time callers spent waiting for pipeline room (sum and maximum).
    public let totalWait: Duration
    public let maxWait: Duration
    /// Failures by kind since start (`circuitOpen` counts fast-failed calls).
    public let errors: [RedisError.Kind: UInt64]
    public let breaker: CircuitBreaker.State
}
