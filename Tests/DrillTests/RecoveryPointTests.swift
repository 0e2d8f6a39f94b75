import Drill
import Testing

@Suite("RPO: the span of ledger writes the restore lacks")
struct RecoveryPointTests {
    // A fixed instant (2026-11-01T00:00:00Z): the tests never read the day's clock.
    static let loss: Int64 = 1_793_491_200_000_000

    static func row(_ key: String, msBeforeLoss: Int64) -> RecoveryPoint.Row {
        RecoveryPoint.Row(key: key, createdAtMicros: loss - msBeforeLoss * 1_000)
    }

    @Test("nothing lacking: RPO 0, no oldest lost row")
    func nothingLost() {
        let point = RecoveryPoint.measure(
            lossMicros: Self.loss, source: [Self.row("a", msBeforeLoss: 900), Self.row("b", msBeforeLoss: 10)], restoredKeys: ["a", "b"])
        #expect(point.lost == 0)
        #expect(point.oldestLostMicros == nil)
        #expect(point.milliseconds == 0)
    }

    @Test("RPO is loss time minus the OLDEST lacking row's created_at")
    func oldestLacking() {
        let point = RecoveryPoint.measure(
            lossMicros: Self.loss,
            source: [Self.row("a", msBeforeLoss: 5_000), Self.row("b", msBeforeLoss: 1_500), Self.row("c", msBeforeLoss: 200)],
            restoredKeys: ["a"])
        #expect(point.lost == 2)
        #expect(point.oldestLostMicros == Self.loss - 1_500_000)
        #expect(point.milliseconds == 1_500)
    }

    @Test("rows created after the loss are not lost, whatever the restore holds")
    func afterLossIgnored() {
        let later = RecoveryPoint.Row(key: "late", createdAtMicros: Self.loss + 1)
        let point = RecoveryPoint.measure(lossMicros: Self.loss, source: [later, Self.row("a", msBeforeLoss: 1)], restoredKeys: ["a"])
        #expect(point.lost == 0)
        #expect(point.milliseconds == 0)
    }

    @Test("a fraction of a millisecond rounds up: a lost row is never an RPO of 0")
    func roundsUp() {
        let row = RecoveryPoint.Row(key: "x", createdAtMicros: Self.loss - 200)
        #expect(RecoveryPoint.measure(lossMicros: Self.loss, source: [row], restoredKeys: []).milliseconds == 1)
    }
}
