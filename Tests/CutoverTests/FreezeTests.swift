import Cutover
import Testing

@Suite("Freeze windows: no start or promotion inside one without two approvers")
struct FreezeTests {
    // Fixed instants (UTC): the tests never read the clock.
    static let tuesday2100: Int64 = 1_796_763_600    // 2026-12-08 21:00 Tue
    static let tuesday1959: Int64 = 1_796_759_940    // 2026-12-08 19:59 Tue
    static let tuesday2300: Int64 = 1_796_770_800    // 2026-12-08 23:00 Tue (end, exclusive)
    static let saturday2330: Int64 = 1_797_118_200   // 2026-12-12 23:30 Sat
    static let sunday0030: Int64 = 1_797_121_800     // 2026-12-13 00:30 Sun
    static let sunday0100: Int64 = 1_797_123_600     // 2026-12-13 01:00 Sun

    @Test("seed 003's Tuesday 20:00–23:00Z: inside at 21:00, outside at 19:59 and at 23:00; a window past midnight")
    func windows() throws {
        let tuesday = try #require(FreezeWindow(parsing: "Tue 20:00-23:00"))
        #expect(tuesday.contains(epochSeconds: Self.tuesday2100))
        #expect(!tuesday.contains(epochSeconds: Self.tuesday1959))
        #expect(!tuesday.contains(epochSeconds: Self.tuesday2300))
        #expect(tuesday.end(containing: Self.tuesday2100) == Self.tuesday2300)
        let overnight = try #require(FreezeWindow(parsing: "Saturday 23:00-01:00"))
        #expect(overnight.contains(epochSeconds: Self.saturday2330))
        #expect(overnight.contains(epochSeconds: Self.sunday0030))
        #expect(!overnight.contains(epochSeconds: Self.sunday0100))
        #expect(overnight.end(containing: Self.saturday2330) == Self.sunday0100)
        #expect(tuesday.description == "Tue 20:00-23:00Z")
        // A whole day from midnight: the override lasts to the next midnight, not zero seconds.
        let wholeDay = try #require(FreezeWindow(parsing: "Sun 00:00-24:00"))
        let sundayMidnight = Self.sunday0030 - 1_800
        #expect(wholeDay.end(containing: sundayMidnight) == sundayMidnight + 86_400)
    }

    @Test("malformed windows are refused", arguments: ["Tue", "Tue 20:00", "Tue 20-23", "Xyz 20:00-23:00", "Tue 25:00-26:00", "Tue 20:00-20:00", "Tue 20:61-21:00", ""])
    func malformed(text: String) {
        #expect(FreezeWindow(parsing: text) == nil)
    }

    @Test("inside the window a start and a promotion are refused; two distinct approvers lift it until the window ends; rollback always works")
    func override() throws {
        let windows = [try #require(FreezeWindow(parsing: "Tue 20:00-23:00"))]
        let plan = CutoverPlan(stages: [25, 100], holdSeconds: 60, autoPromote: true, autoRollback: true)
        let idle = CutoverState()
        guard case .failure(.frozen(let window)) = idle.start(plan, by: "rel", atSeconds: Self.tuesday2100, freeze: windows) else {
            Issue.record("started inside the freeze")
            return
        }
        #expect(window == "Tue 20:00-23:00Z")
        #expect((try? idle.start(plan, by: "rel", atSeconds: Self.tuesday1959, freeze: windows).get()) != nil, "outside the window it starts")
        #expect(idle.overrideFreeze(by: "a", windows: windows, atSeconds: Self.tuesday1959) == .failure(.notFrozen))

        let one = try idle.overrideFreeze(by: "a", windows: windows, atSeconds: Self.tuesday2100).get()
        #expect(one.overrideFreeze(by: "a", windows: windows, atSeconds: Self.tuesday2100) == .failure(.alreadyOverrodeFreeze("a")))
        #expect(one.blockingFreeze(windows, atSeconds: Self.tuesday2100) != nil, "one approver is not enough")
        let two = try one.overrideFreeze(by: "b", windows: windows, atSeconds: Self.tuesday2100 + 60).get()
        let started = try two.start(plan, by: "rel", atSeconds: Self.tuesday2100 + 120, freeze: windows).get()
        #expect(started.weightPercent == 25)
        #expect(started.freezeOverride?.untilSeconds == Self.tuesday2300)

        // Frozen, without an override: the judge's auto-promotion waits, a rollback does not.
        let frozen = try CutoverState().start(plan, by: "rel", atSeconds: Self.tuesday1959 - 3_600, freeze: windows).get()
        #expect(frozen.tick(verdict: .green, atSeconds: Self.tuesday2100, freeze: windows) == nil)
        #expect(frozen.promote(verdict: .green, atSeconds: Self.tuesday2100, reason: "x", freeze: windows) == .failure(.frozen("Tue 20:00-23:00Z")))
        #expect((try? frozen.rollBack(reason: "incident").get())?.weightPercent == 0)
    }
}
