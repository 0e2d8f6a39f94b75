import Foundation
import Postgres
import Redis
import Testing
import TestSupport
@testable import PersistedQueries

/// The allowlist store against real Postgres and Redis.
@Suite("Allowlist store")
struct AllowlistStoreTests {
    @Test func addRemoveAndLoadRoundTrip() async throws {
        let harness = try await StoreHarness.make()
        let replica = try harness.replica()
        let raw = try harness.rawRedis()
        defer { raw.close() }
        let store = replica.store

        let first = await store.reload()
        #expect(first.source == .redis && first.count == 0 && first.version > 0)

        let a = randomHash(), b = randomHash()
        let added = try await store.add(hashes: [a, b.uppercased(), a], addedBy: "alice")
        #expect(added.changed == [a, b] && added.unchanged.isEmpty && added.published)
        #expect(store.contains(exact: a) && store.contains(exact: b))
        #expect(try await store.add(hashes: [a]).unchanged == [a])
        #expect(try await redisEntries(raw, harness.entriesKey) == [a: "", b: ""])
        let rows = try await store.entries()
        #expect(rows.map(\.hash).sorted() == [a, b].sorted())
        #expect(rows.allSatisfy { $0.source == "admin" && $0.addedBy == "alice" && $0.normalizedHash == nil })

        let removed = try await store.remove(hashes: [b, randomHash()])
        #expect(removed.changed == [b] && removed.unchanged.count == 1)
        #expect(!store.contains(exact: b) && store.contains(exact: a))
        #expect(try await redisEntries(raw, harness.entriesKey) == [a: ""])

        let manifest = try PersistedQueryManifest.parse(Fixtures.manifestBytes)
        let loaded = try await store.load(manifest: manifest, mode: .merge, addedBy: "ci")
        #expect(loaded.published)
        #expect(loaded.diff.added.map(\.name) == ["GetEntity", "SafeNoop"] && loaded.diff.removed.isEmpty)
        #expect(store.contains(exact: Fixtures.getEntityID) && store.contains(exact: a))
        #expect(store.body(forHash: Fixtures.safeNoopID) == Fixtures.safeNoopBody)
        // Hash drift: the same operation reformatted matches on its normalized hash.
        let reformatted = "fragment EntityFields on Entity { name }\nquery GetEntity($id: ID!) { entity(id: $id) { id ...EntityFields } }"
        #expect(!store.contains(exact: DocumentHash.exact(reformatted)))
        #expect(store.contains(exact: DocumentHash.exact(reformatted), normalized: try DocumentNormalizer.normalizedHash(source: reformatted)))
        #expect(try await store.exportManifest() == manifest.sorted())
        #expect(try await redisEntries(raw, harness.entriesKey)[Fixtures.getEntityID] == manifest.operations[0].normalizedHash)

        // A bad id is refused before anything is written (opaque ids such as the rollout
        // guide's abc123def456 are ids; one with a space is not).
        await #expect(throws: AllowlistError.self) { _ = try await store.add(hashes: [randomHash(), "abc 123"]) }
        #expect(try await store.entries().count == 3)
        await replica.close()
    }

    @Test func aSecondReplicaSeesAChangeWithinASecond() async throws {
        let harness = try await StoreHarness.make()
        let writer = try harness.replica()
        let reader = try harness.replica()
        await writer.store.reload()
        await reader.store.reload()
        reader.store.startRefresher(interval: .seconds(1))
        #expect(reader.store.status.refresherRunning)

        for round in 0..<3 {
            let hash = randomHash()
            _ = try await writer.store.add(hashes: [hash])
            // The refresher polls the version once a second (the "within a
            // second" of SPEC §2 is that interval plus one reload); the test
            // proves propagation, with a bound only against "never", since
            // other tests in the process can delay when this task resumes.
            let seen = await waitFor(timeout: .seconds(10)) { reader.store.contains(exact: hash) }
            _ = try #require(seen, "round \(round): the second replica never saw the change")
            _ = try await writer.store.remove(hashes: [hash])
            #expect(await waitFor(timeout: .seconds(10)) { !reader.store.contains(exact: hash) } != nil)
        }
        await reader.store.stopRefresher()
        #expect(!reader.store.status.refresherRunning)
        await writer.close()
        await reader.close()
    }

    @Test func redisKilledKeepsAnsweringFromTheSnapshot() async throws {
        let server = try await offPool { try RedisServer.start() }
        defer { server.stop() }
        let harness = try await StoreHarness.make(redis: server)
        let replica = try harness.replica()
        let store = replica.store
        let kept = randomHash()
        await store.reload()
        _ = try await store.add(hashes: [kept])
        store.startRefresher(interval: .milliseconds(100))

        try await offPool { server.kill() }
        #expect(await waitFor(timeout: .seconds(5)) { !store.status.redisReachable } != nil, "outage not reported")
        #expect(store.contains(exact: kept))
        #expect(store.status.source == .redis && store.status.lastError != nil)

        // A write during the outage is durable and visible here; Redis gets it later.
        let during = randomHash()
        let change = try await store.add(hashes: [during])
        #expect(!change.published)
        #expect(store.contains(exact: during) && store.contains(exact: kept))
        #expect(store.status.pendingPublish && store.status.source == .postgres)

        // Redis comes back empty (no persistence): the refresher republishes from Postgres.
        try await offPool { try server.startAgain() }
        let healed = await waitFor(timeout: .seconds(10)) {
            let status = store.status
            return status.redisReachable && !status.pendingPublish && status.source == .redis
        }
        #expect(healed != nil, "not republished: \(store.status)")
        let raw = try harness.rawRedis()
        defer { raw.close() }
        #expect(try await redisEntries(raw, harness.entriesKey) == [kept: "", during: ""])
        // A replica started now sees both.
        let other = try harness.replica()
        await other.store.reload()
        #expect(other.store.contains(exact: kept) && other.store.contains(exact: during))
        await other.close()
        await replica.close()
    }

    @Test func startsFromPostgresWhenRedisIsDown() async throws {
        let server = try await offPool { try RedisServer.start() }
        defer { server.stop() }
        let harness = try await StoreHarness.make(redis: server)
        let seeding = try harness.replica()
        let hash = randomHash()
        await seeding.store.reload()
        _ = try await seeding.store.add(hashes: [hash])
        await seeding.close()

        try await offPool { server.kill() }
        let replica = try harness.replica()
        let status = await replica.store.reload()
        #expect(status.source == .postgres && !status.redisReachable)
        #expect(replica.store.contains(exact: hash))
        await replica.close()
    }

    @Test func aRedisThatLostTheSetIsRepublished() async throws {
        let harness = try await StoreHarness.make()
        let replica = try harness.replica()
        let raw = try harness.rawRedis()
        defer { raw.close() }
        let hash = randomHash()
        await replica.store.reload()
        _ = try await replica.store.add(hashes: [hash])
        let before = replica.store.status.version

        // What a Redis restart without persistence looks like.
        _ = try await raw.command("DEL", harness.entriesKey, harness.versionKey)
        #expect(await replica.store.refreshIfChanged())
        #expect(replica.store.contains(exact: hash))
        #expect(replica.store.status.version > before)
        #expect(try await redisEntries(raw, harness.entriesKey) == [hash: ""])
        await replica.close()
    }

    @Test func reconcileRepairsARedisThatDrifted() async throws {
        let harness = try await StoreHarness.make()
        let replica = try harness.replica()
        let raw = try harness.rawRedis()
        defer { raw.close() }
        let keep = randomHash(), lost = randomHash(), stray = randomHash()
        await replica.store.reload()
        _ = try await replica.store.add(hashes: [keep, lost])
        #expect(try await replica.store.reconcile() == false)

        _ = try await raw.command("HDEL", harness.entriesKey, lost)
        _ = try await raw.command("HSET", harness.entriesKey, stray, "")
        #expect(try await replica.store.reconcile())
        #expect(try await redisEntries(raw, harness.entriesKey) == [keep: "", lost: ""])
        #expect(try await replica.store.reconcile() == false)
        await replica.close()
    }

    @Test func syncReportsDriftAndReplacesTheSet() async throws {
        let harness = try await StoreHarness.make()
        let replica = try harness.replica()
        let raw = try harness.rawRedis()
        defer { raw.close() }
        let store = replica.store
        await store.reload()
        let v1 = try PersistedQueryManifest.parse(Fixtures.manifestBytes)
        _ = try await store.load(manifest: v1)
        let bare = randomHash()
        _ = try await store.add(hashes: [bare])

        let getEntityReordered = try ManifestOperation(
            name: "GetEntity", type: .query,
            body: "fragment EntityFields on Entity { name }\n\nquery GetEntity($id: ID!) { entity(id: $id) { id ...EntityFields } }")
        let safeNoopChanged = try ManifestOperation(name: "SafeNoop", type: .mutation, body: "mutation SafeNoop { SafeNoop other }")
        let fresh = try ManifestOperation(name: "Fresh", type: .query, body: "query Fresh { fresh }")
        let v2 = PersistedQueryManifest(operations: [getEntityReordered, safeNoopChanged, fresh])

        let diff = try await store.diff(manifest: v2)
        #expect(diff.added.map(\.name) == ["Fresh", "GetEntity", "SafeNoop"])
        #expect(Set(diff.removed.map(\.hash)) == [Fixtures.getEntityID, Fixtures.safeNoopID, bare])
        #expect(diff.unchanged == 0)
        #expect(diff.drift == [
            AllowlistDrift(operationName: "GetEntity", liveHash: Fixtures.getEntityID, manifestHash: getEntityReordered.id, sameNormalizedDocument: true),
            AllowlistDrift(operationName: "SafeNoop", liveHash: Fixtures.safeNoopID, manifestHash: safeNoopChanged.id, sameNormalizedDocument: false),
        ])
        // Diffing changes nothing.
        #expect(store.contains(exact: bare))

        let result = try await store.load(manifest: v2, mode: .replace, source: "sync")
        #expect(result.published && result.diff == diff)
        #expect(Set(try await store.entries().map(\.hash)) == Set(v2.operations.map(\.id)))
        #expect(Set(try await redisEntries(raw, harness.entriesKey).keys) == Set(v2.operations.map(\.id)))
        #expect(!store.contains(exact: bare) && !store.contains(exact: Fixtures.safeNoopID))
        // The old GetEntity bytes still pass on their normalized hash: that is the drift rule.
        #expect(store.contains(exact: Fixtures.getEntityID, normalized: v1.operations[0].normalizedHash))
        #expect(try await store.diff(manifest: v2).isEmpty)
        await replica.close()
    }

    @Test func concurrentWritersOnTwoReplicasLeaveRedisEqualToPostgres() async throws {
        let harness = try await StoreHarness.make()
        let a = try harness.replica(), b = try harness.replica()
        await a.store.reload()
        await b.store.reload()
        let hashes = (0..<20).map { _ in randomHash() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, hash) in hashes.enumerated() {
                let store = index.isMultiple(of: 2) ? a.store : b.store
                group.addTask {
                    _ = try await store.add(hashes: [hash])
                    if index.isMultiple(of: 3) { _ = try await store.remove(hashes: [hash]) }
                }
            }
            try await group.waitForAll()
        }
        let expected = Set(hashes.enumerated().filter { !$0.offset.isMultiple(of: 3) }.map(\.element))
        #expect(Set(try await a.store.entries().map(\.hash)) == expected)
        #expect(try await a.store.reconcile() == false, "Redis diverged from Postgres")
        await b.store.refreshIfChanged()
        #expect(Set(b.store.snapshot.entries.keys) == expected)
        await a.close()
        await b.close()
    }

    @Test func environmentsAreSeparate() async throws {
        let harness = try await StoreHarness.make()
        let production = try harness.replica(environment: harness.environment + "-production")
        let staging = try harness.replica(environment: harness.environment + "-staging")
        await production.store.reload()
        await staging.store.reload()
        let hash = randomHash()
        _ = try await production.store.add(hashes: [hash])
        await staging.store.refreshIfChanged()
        #expect(production.store.contains(exact: hash))
        #expect(!staging.store.contains(exact: hash))
        #expect(try await staging.store.entries().isEmpty)
        // The same hash may be on both lists.
        _ = try await staging.store.add(hashes: [hash])
        #expect(staging.store.contains(exact: hash))
        await production.close()
        await staging.close()
    }
}
