import Audit
import Postgres
import Testing
@testable import Workers

@Suite("workers leader election")
struct LeaderTests {
    static func runner(_ pool: PostgresPool, interval: Duration = .milliseconds(100), enabled: Bool = true) -> WorkerRunner {
        WorkerRunner(
            pool: pool, reconcile: ReconcileWorker(pool: pool, logger: Harness.quiet),
            escalation: CanaryEscalationWorker(pool: pool, audit: AuditLog(pool: pool), cleanDaysRequired: 7, configDryRun: false, logger: Harness.quiet),
            settings: WorkerRunner.Settings(reconcileInterval: interval, escalationInterval: interval),
            enabled: enabled, logger: Harness.quiet)
    }

    /// Two replicas on the test database: each runner on a pool of its own, neither started.
    static func twoRunners(_ harness: Harness) throws -> (poolA: PostgresPool, poolB: PostgresPool, a: WorkerRunner, b: WorkerRunner) {
        let poolA = try harness.pool()
        let poolB = try harness.pool()
        return (poolA, poolB, runner(poolA), runner(poolB))
    }

    /// The backend pids holding the workers lock in the test database (the status endpoint's
    /// query; every holder, not only the first).
    static func holders(_ harness: Harness) async throws -> [Int64] {
        let pool = try harness.pool(maxConnections: 1)
        defer { pool.close() }
        return try await pool.query(LeaderLock.holderSQL, [.int(LeaderLock.defaultKey)]).map { try $0["pid"].int64() }
    }

    @Test("two runners on two pools: exactly one leads, and only the leader runs the workers")
    func exactlyOneLeads() async throws {
        let harness = try await Harness.make()
        let (poolA, poolB, a, b) = try Self.twoRunners(harness)
        a.start()
        b.start()
        #expect(await eventually { a.status.isLeader || b.status.isLeader })
        let (leader, follower) = a.status.isLeader ? (a, b) : (b, a)
        #expect(await eventually { leader.status.reconcile.lastSuccess != nil && leader.status.escalation.runs > 0 })
        // Sampled over many follower retry intervals: never two leaders, one lock holder.
        for _ in 0..<25 {
            #expect(!(a.status.isLeader && b.status.isLeader))
            #expect(leader.status.isLeader)
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await Self.holders(harness).count == 1)
        #expect(follower.status.reconcile.runs == 0)
        #expect(follower.status.reconcile.nextRun == nil)
        #expect(leader.status.reconcile.nextRun != nil)
        #expect(leader.status.leaderSince != nil)
        await a.stop()
        await b.stop()
        #expect(!a.status.isLeader && !b.status.isLeader)
        #expect(try await Self.holders(harness).isEmpty)
        poolA.close()
        poolB.close()
    }

    @Test("closing the leader's pool ends its session; the other runner leads within a bounded wait")
    func followerTakesOverWhenLeaderDies() async throws {
        let harness = try await Harness.make()
        let (poolA, poolB, a, b) = try Self.twoRunners(harness)
        a.start()
        #expect(await eventually { a.status.isLeader })
        b.start()
        poolA.close()
        #expect(await eventually { b.status.isLeader })
        #expect(!a.status.isLeader)
        #expect(a.status.leaderError?.contains("pool closed") == true)
        #expect(await eventually { b.status.reconcile.runs > 0 })
        #expect(try await Self.holders(harness).count == 1)
        await a.stop()
        await b.stop()
        poolB.close()
    }

    @Test("a leader whose session is killed gives up; the lock is taken again by exactly one runner")
    func killedSessionReelects() async throws {
        let harness = try await Harness.make()
        let (poolA, poolB, a, b) = try Self.twoRunners(harness)
        a.start()
        b.start()
        #expect(await eventually { a.status.isLeader || b.status.isLeader })
        let first = try #require(try await Self.holders(harness).first)
        let admin = try harness.pool(maxConnections: 1)
        _ = try await admin.query("SELECT pg_terminate_backend($1::integer)", [.int(first)])
        admin.close()
        #expect(try await eventually {
            let now = try await Self.holders(harness)
            return now.count == 1 && now[0] != first && (a.status.isLeader != b.status.isLeader)
        })
        await a.stop()
        await b.stop()
        poolA.close()
        poolB.close()
    }

    @Test("a stopped leader releases the lock at once and the other takes over")
    func stopHandsOver() async throws {
        let harness = try await Harness.make()
        let (poolA, poolB, a, b) = try Self.twoRunners(harness)
        a.start()
        #expect(await eventually { a.status.isLeader })
        b.start()
        await a.stop()
        #expect(!a.status.isLeader)
        #expect(await eventually { b.status.isLeader })
        await b.stop()
        poolA.close()
        poolB.close()
    }

    @Test("a disabled runner never competes: an enabled one on the same database leads")
    func disabledRunnerIdle() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        let other = try harness.pool()
        let disabled = Self.runner(pool, interval: .milliseconds(50), enabled: false)
        disabled.start()
        let enabled = Self.runner(other, interval: .milliseconds(50))
        enabled.start()
        #expect(await eventually { enabled.status.isLeader && enabled.status.reconcile.runs > 1 })
        #expect(!disabled.status.enabled)
        #expect(!disabled.status.isLeader)
        #expect(disabled.status.reconcile.runs == 0)
        await disabled.stop()
        await enabled.stop()
        pool.close()
        other.close()
    }
}
