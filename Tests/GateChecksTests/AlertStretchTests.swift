import Testing
@testable import GateChecks

@Suite("alert history stretches")
struct AlertStretchTests {
    @Test("samples no further apart than the gap are one stretch of firing; a longer silence starts another")
    func stretches() {
        let minute: Int64 = 60_000
        let times: [Int64] = [0, minute, 2 * minute, 10 * minute, 11 * minute, 30 * minute]
        let runs = AlertHistoryAdmin.stretches(times, gapMillis: 2 * minute)
        #expect(runs.map(\.from) == [0, 10 * minute, 30 * minute])
        #expect(runs.map(\.to) == [2 * minute, 11 * minute, 30 * minute])
        #expect(AlertHistoryAdmin.stretches([], gapMillis: minute).isEmpty)
    }
}
