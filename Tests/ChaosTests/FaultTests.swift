import Kit
import Synchronization
import Testing
@testable import Chaos

@Suite("injected faults")
struct FaultTests {
    static let limits = FaultLimits(maxDelayMillis: 5_000, maxTTLMinutes: 60, configuredTargets: [.upstream, .redis])

    static func parse(_ json: String) throws(FaultProblem) -> Fault {
        guard let value = try? JSONValue.parse(Array(json.utf8)) else { throw FaultProblem("body", "not JSON") }
        return try Fault.parse(value, id: "f-1", by: "sec-1", atMillis: 1_000_000, limits: limits)
    }

    static func problem(_ json: String) -> FaultProblem? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error
        }
    }

    @Test("a fault is read field by field; defaults: 100 %, status 503 for abort")
    func parses() throws {
        let fault = try Self.parse(#"{"target":"upstream","kind":"abort","tenant":"demo","ttl_minutes":15,"reason":"drill"}"#)
        #expect(fault.percent == 100 && fault.status == 503 && fault.tenant == "demo")
        #expect(fault.expiresAtMillis == 1_000_000 + 15 * 60_000)
        let delay = try Self.parse(#"{"target":"upstream","kind":"delay","percent":10,"delay_ms":200,"ttl_minutes":5,"reason":"drill"}"#)
        #expect(delay.delayMillis == 200 && delay.percent == 10)
    }

    @Test("bad input is a typed problem naming the field", arguments: [
        (#"{"target":"neo4j","kind":"abort","ttl_minutes":5,"reason":"x"}"#, "target"),
        (#"{"target":"upstream","kind":"explode","ttl_minutes":5,"reason":"x"}"#, "kind"),
        (#"{"target":"upstream","kind":"abort","percent":0,"ttl_minutes":5,"reason":"x"}"#, "percent"),
        (#"{"target":"upstream","kind":"abort","percent":101,"ttl_minutes":5,"reason":"x"}"#, "percent"),
        (#"{"target":"upstream","kind":"delay","delay_ms":9000,"ttl_minutes":5,"reason":"x"}"#, "delay_ms"),
        (#"{"target":"upstream","kind":"abort","reason":"x"}"#, "ttl_minutes"),
        (#"{"target":"upstream","kind":"abort","ttl_minutes":600,"reason":"x"}"#, "ttl_minutes"),
        (#"{"target":"postgres","kind":"delay","delay_ms":10,"ttl_minutes":5,"reason":"x"}"#, "target"),
        (#"{"target":"redis","kind":"abort","ttl_minutes":5,"reason":"x"}"#, "kind"),
        (#"{"target":"upstream","kind":"timeout","ttl_minutes":5,"reason":"x"}"#, "kind"),
        (#"{"target":"redis","kind":"truncate","ttl_minutes":5,"reason":"x"}"#, "kind"),
        (#"{"target":"redis","kind":"error","status":503,"ttl_minutes":5,"reason":"x"}"#, "status"),
        (#"{"target":"redis","kind":"error","sqlstate":"53300","ttl_minutes":5,"reason":"x"}"#, "sqlstate"),
        (#"{"target":"upstream","kind":"delay","delay_ms":10,"status":503,"ttl_minutes":5,"reason":"x"}"#, "status"),
        (#"{"target":"upstream","kind":"abort","status":200,"ttl_minutes":5,"reason":"x"}"#, "status"),
        (#"{"target":"upstream","kind":"abort","ttl_minutes":5}"#, "reason"),
        (#"{"target":"upstream","kind":"abort","ttl_minutes":5,"reason":"x","sparkle":1}"#, "sparkle"),
    ])
    func badInput(json: String, field: String) {
        #expect(Self.problem(json)?.field == field, "\(json): \(String(describing: Self.problem(json)))")
    }

    @Test("Postgres and Redis faults become the client's own failures; a Postgres error carries a SQLSTATE")
    func callFaults() throws {
        let limits = FaultLimits(maxDelayMillis: 5_000, maxTTLMinutes: 60, configuredTargets: [.upstream, .postgres, .redis])
        func parse(_ json: String) throws -> Fault {
            try Fault.parse(try JSONValue.parse(Array(json.utf8)), id: "f-2", by: "sec-1", atMillis: 0, limits: limits)
        }
        let overloaded = try parse(#"{"target":"postgres","kind":"error","ttl_minutes":5,"reason":"x"}"#)
        #expect(overloaded.callFault == .error(code: "53300", label: "chaos fault f-2"))
        let serialization = try parse(#"{"target":"postgres","kind":"error","sqlstate":"40001","ttl_minutes":5,"reason":"x"}"#)
        #expect(serialization.callFault == .error(code: "40001", label: "chaos fault f-2"))
        #expect(throws: FaultProblem.self) { try parse(#"{"target":"postgres","kind":"error","sqlstate":"4001","ttl_minutes":5,"reason":"x"}"#) }
        #expect(try parse(#"{"target":"postgres","kind":"reset","ttl_minutes":5,"reason":"x"}"#).callFault == .drop(label: "chaos fault f-2"))
        #expect(try parse(#"{"target":"redis","kind":"timeout","ttl_minutes":5,"reason":"x"}"#).callFault == .timeout(label: "chaos fault f-2"))
        #expect(try parse(#"{"target":"redis","kind":"error","ttl_minutes":5,"reason":"x"}"#).callFault == .error(code: "ERR", label: "chaos fault f-2"))
        #expect(try parse(#"{"target":"redis","kind":"delay","delay_ms":40,"ttl_minutes":5,"reason":"x"}"#).callFault == .delay(milliseconds: 40))
    }

    @Test("background work (no request scope) meets only unscoped faults")
    func background() throws {
        let book = FaultBook(clock: { 0 })
        book.add(Fault(id: "a", target: .postgres, kind: .delay, percent: 100, delayMillis: 5, tenant: "demo", expiresAtMillis: 60_000, createdBy: "s", reason: "x"))
        #expect(book.fault(for: FaultedCall(target: .postgres, scope: nil)) == nil)
        #expect(book.fault(for: FaultedCall(target: .postgres, scope: CallScope(tenant: "demo", operationType: "mutation", rootFields: [], arm: nil)))?.id == "a")
        book.add(Fault(id: "b", target: .postgres, kind: .delay, percent: 100, delayMillis: 5, expiresAtMillis: 60_000, createdBy: "s", reason: "x"))
        #expect(book.fault(for: FaultedCall(target: .postgres, scope: nil))?.id == "b")
    }

    @Test("a target the gateway does not call is named as not configured")
    func unconfigured() {
        #expect(Self.problem(#"{"target":"postgres","kind":"abort","ttl_minutes":5,"reason":"x"}"#)?.message.contains("database.url is not set") == true)
    }

    @Test("the book: percent spread evenly, scoped by tenant and operation, expiry by the clock, nothing matched when empty")
    func book() throws {
        let now = Mutex<Int64>(1_000_000)
        let book = FaultBook(clock: { now.withLock { $0 } })
        let call = FaultedCall(target: .upstream, tenant: "demo", operationType: "mutation", rootFields: ["createEntity"], arm: nil)
        #expect(book.isEmpty && book.fault(for: call) == nil)
        book.add(try Self.parse(#"{"target":"upstream","kind":"abort","percent":10,"tenant":"demo","operation":"createEntity","ttl_minutes":1,"reason":"x"}"#))
        let hits = (0..<100).filter { _ in book.fault(for: call) != nil }.count
        #expect(hits == 10)
        let other = FaultedCall(target: .upstream, tenant: "acme", operationType: "mutation", rootFields: ["createEntity"], arm: nil)
        #expect((0..<50).allSatisfy { _ in book.fault(for: other) == nil })
        let query = FaultedCall(target: .upstream, tenant: "demo", operationType: "query", rootFields: ["health"], arm: nil)
        #expect((0..<50).allSatisfy { _ in book.fault(for: query) == nil })
        now.withLock { $0 += 60_000 }
        #expect(book.fault(for: call) == nil && book.isEmpty, "expired after its TTL")
    }
}
