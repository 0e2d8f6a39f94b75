import Logging
import Synchronization

/// Follows a versioned shared state kept elsewhere (a Postgres control row): a replica
/// reloads when a change is announced on a Redis channel, and polls the version every
/// `poll` in case Redis is gone, so every replica converges within the poll. The cutover's
/// state and the downshift ladder's share it.
public final class VersionFollower: Sendable {
    let channel: String
    let redis: RedisClient?
    let subscriber: RedisSubscriber?
    let poll: Duration
    let logger: Logger
    private let tasks = Mutex<[Task<Void, Never>]>([])

    public init(channel: String, redis: RedisClient?, subscriber: RedisSubscriber?, poll: Duration, logger: Logger) {
        self.channel = channel
        self.redis = redis
        self.subscriber = subscriber
        self.poll = poll
        self.logger = logger
    }

    /// Starts listening and polling: `reload` on every announcement; `isStale` each poll
    /// (true when the stored version is newer than the one installed) then `reload`.
    /// `extra` are further loops to run and cancel with these (a judge's tick).
    public func start(
        reload: @escaping @Sendable () async -> Void, isStale: @escaping @Sendable () async -> Bool,
        extra: [@Sendable () async -> Void] = []
    ) {
        var started: [Task<Void, Never>] = []
        if let subscriber {
            let stream = subscriber.subscribe([channel])
            started.append(Task {
                for await _ in stream { await reload() }
            })
        }
        let poll = self.poll
        started.append(Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: poll)
                if Task.isCancelled { return }
                if await isStale() { await reload() }
            }
        })
        for loop in extra { started.append(Task { await loop() }) }
        tasks.withLock { $0 = started }
    }

    public func stop() {
        let running = tasks.withLock { tasks -> [Task<Void, Never>] in
            defer { tasks = [] }
            return tasks
        }
        for task in running { task.cancel() }
        subscriber?.close()
    }

    /// Tells the other replicas that `version` is stored; they poll if Redis is gone.
    public func announce(_ version: Int64, what: String) async {
        guard let redis else { return }
        do {
            _ = try await redis.command("PUBLISH", channel, String(version))
        } catch {
            logger.warning("\(what) change not broadcast; other replicas see it within the poll", metadata: ["error": "\(error)"])
        }
    }
}
