import Foundation
import Postgres
import Testing
@testable import FourEyes

@Suite("Emergency policy override (real Postgres)")
struct EmergencyOverrideTests {
    @Test("created, live, audited, revoked")
    func lifecycle() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let store = EmergencyOverrideStore(pool: harness.pool)
        #expect(try await store.live() == nil)
        let override = try await store.create(reason: "rollback in progress", minutes: 120, actor: "sec-1", correlationID: "c1")
        let live = try #require(try await store.live())
        #expect(live.id == override.id)
        #expect(live.isActive(atMicros: EmergencyOverride.nowMicros()))
        #expect(!live.isActive(atMicros: live.expiresAtMicros))
        let revoked = try #require(try await store.revoke(UUID(uuidString: override.id)!, actor: "sec-2", correlationID: "c2"))
        #expect(revoked.revokedBy == "sec-2")
        #expect(try await store.live() == nil)
        #expect(try await store.revoke(UUID(uuidString: override.id)!, actor: "sec-2", correlationID: "c3") == nil)
        #expect(try await harness.auditActions() == ["policy.emergency_override.create", "policy.emergency_override.revoke"])
    }

    @Test("the database refuses a lifetime over 2 hours and an empty reason")
    func databaseBounds() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let store = EmergencyOverrideStore(pool: harness.pool)
        await #expect(throws: PostgresError.self) {
            _ = try await store.create(reason: "too long", minutes: 121, actor: "sec-1", correlationID: "c")
        }
        await #expect(throws: PostgresError.self) {
            _ = try await store.create(reason: "  ", minutes: 10, actor: "sec-1", correlationID: "c")
        }
        #expect(try await harness.auditActions().isEmpty)
    }

    @Test("the in-process state honours expiry without a refresh")
    func stateExpires() {
        let state = EmergencyOverrideState()
        #expect(!state.isActive())
        let now = EmergencyOverride.nowMicros()
        var override = EmergencyOverrideFixture.make(expiresAtMicros: now + 1_000_000)
        state.set(override)
        #expect(state.isActive(atMicros: now))
        #expect(!state.isActive(atMicros: now + 1_000_000))
        override.revokedAt = "2026-01-01T00:00:00.000000Z"
        state.set(override)
        #expect(!state.isActive(atMicros: now))
    }
}

enum EmergencyOverrideFixture {
    static func make(expiresAtMicros: Int64) -> EmergencyOverride {
        EmergencyOverride(
            id: "00000000-0000-0000-0000-000000000001", reason: "r", createdBy: "u", createdAt: "", expiresAt: "",
            expiresAtMicros: expiresAtMicros, revokedAt: nil, revokedBy: nil)
    }
}
