import Testing
@testable import BudgetAdmin

/// How an upstream answer settles a replay.
@Suite("replay judgement")
struct ReplayJudgementTests {
    @Test("a 200 without errors is replayed; GraphQL errors, 4xx and non-JSON fail; 502/503/504 are unconfirmed")
    func judge() {
        #expect(ReplayOutcome.judge(status: 200, body: Array(#"{"data":{"deleteEntity":true}}"#.utf8)) == .replayed(status: 200))
        #expect(ReplayOutcome.judge(status: 200, body: Array(#"{"data":null,"errors":[]}"#.utf8)) == .replayed(status: 200))
        guard case .failed(let message) = ReplayOutcome.judge(status: 200, body: Array(#"{"errors":[{"message":"no such entity"}]}"#.utf8)) else {
            Issue.record("GraphQL errors must fail")
            return
        }
        #expect(message == "GraphQL error: no such entity")
        #expect(ReplayOutcome.judge(status: 400, body: Array("bad".utf8)).label == "failed")
        #expect(ReplayOutcome.judge(status: 200, body: Array("<html>".utf8)).label == "failed")
        for status in [502, 503, 504] {
            #expect(ReplayOutcome.judge(status: status, body: []).label == "unconfirmed")
        }
    }

    @Test("multipliers, hours and thresholds are read exactly from the JSON number text")
    func scaledDecimals() throws {
        #expect(try ScaledDecimal.parse(.number("2.0"), places: 3).get() == ScaledDecimal(units: 2_000, places: 3))
        #expect(try ScaledDecimal.parse(.number("1.999"), places: 3).get().text == "1.999")
        #expect(try ScaledDecimal.parse(.number("2e0"), places: 3).get().fixedText == "2.000")
        #expect(ScaledDecimal.parse(.number("1.2345"), places: 3) == .failure(.tooManyDecimals(places: 3)))
        #expect(ScaledDecimal.parse(.string("2"), places: 3) == .failure(.notANumber))
        #expect(ScaledDecimal.parse(.number("1e400"), places: 3) == .failure(.outOfRange) || ScaledDecimal.parse(.number("1e400"), places: 3) == .failure(.notANumber))
        #expect(try ScaledDecimal.parse(.number("0.5"), places: 6).get().units == 500_000)
    }
}
