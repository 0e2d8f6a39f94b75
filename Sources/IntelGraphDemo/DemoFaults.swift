import Synchronization

/// Faults the demo can be told to show at run time (`PUT /demo/faults`), so tests and
/// `scripts/demo.sh --cutover` can degrade a canary and watch the gateway roll it back:
/// - `error_percent`: that share of `/graphql` requests answers 500, spread evenly
///   (request n fails when ⌊n·p/100⌋ moves), so 10 means exactly every tenth;
/// - `delay_ms`: added to every `/graphql` answer;
/// - `foreign_tenant`: answers carry `extensions.tenant` naming another tenant (the
///   cross-tenant leak the cutover's security rule trips on).
/// `GET /demo/faults` shows them; `DELETE /demo/faults` clears them.
public struct DemoFaults: Sendable, Equatable {
    public var errorPercent = 0
    public var delayMilliseconds = 0
    public var foreignTenant = false

    public init(errorPercent: Int = 0, delayMilliseconds: Int = 0, foreignTenant: Bool = false) {
        self.errorPercent = errorPercent
        self.delayMilliseconds = delayMilliseconds
        self.foreignTenant = foreignTenant
    }

    var json: JSONValue {
        .object([
            JSONMember("error_percent", .int(Int64(errorPercent))),
            JSONMember("delay_ms", .int(Int64(delayMilliseconds))),
            JSONMember("foreign_tenant", .bool(foreignTenant)),
        ])
    }

    /// Reads a `PUT /demo/faults` body: every key optional, unknown keys refused.
    static func parse(_ body: [UInt8], over current: DemoFaults) -> Result<DemoFaults, FaultsError> {
        guard let value = JSONValue.parse(body), case .object(let members) = value else {
            return .failure(FaultsError("the body must be a JSON object such as {\"error_percent\":10}"))
        }
        var faults = current
        for member in members {
            switch (member.key, member.value) {
            case ("error_percent", .int(let percent)):
                guard (0...100).contains(percent) else { return .failure(FaultsError("error_percent must be 0-100")) }
                faults.errorPercent = Int(percent)
            case ("delay_ms", .int(let millis)):
                guard (0...Int64(DemoConfiguration.maxHookDelayMilliseconds)).contains(millis) else {
                    return .failure(FaultsError("delay_ms must be 0-\(DemoConfiguration.maxHookDelayMilliseconds)"))
                }
                faults.delayMilliseconds = Int(millis)
            case ("foreign_tenant", .bool(let flag)):
                faults.foreignTenant = flag
            default:
                return .failure(FaultsError("unknown or mistyped key \(member.key); expected error_percent, delay_ms, foreign_tenant"))
            }
        }
        return .success(faults)
    }
}

/// Why a `PUT /demo/faults` body was refused (400).
struct FaultsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The live faults and the request counter that spreads the errors.
final class DemoFaultState: Sendable {
    private let state = Mutex<(faults: DemoFaults, count: Int)>((DemoFaults(), 0))

    var faults: DemoFaults { state.withLock { $0.faults } }

    func set(_ faults: DemoFaults) {
        state.withLock { $0 = (faults, 0) }
    }

    /// This request's share of the faults: whether it fails, and the added delay.
    func next() -> (fail: Bool, delay: Duration, foreign: Bool) {
        state.withLock { state in
            state.count += 1
            let percent = state.faults.errorPercent
            let fail = percent > 0 && (state.count * percent) / 100 != ((state.count - 1) * percent) / 100
            return (fail, .milliseconds(state.faults.delayMilliseconds), state.faults.foreignTenant)
        }
    }
}
