import Contract
import Cutover
import Foundation
import Ports

/// The canary split (SPEC §10): while a cutover routes traffic, the request gets its
/// tenant's arm (sticky, monotone) or the arm an allowed role forces with `X-Canary`, and
/// its post phase tells the judge how it ended. With no cutover live it costs one lock
/// read and the request goes to stable unobserved. It runs after identify, so queries
/// and mutations of a tenant follow one arm and the ledger can record it.
public struct CanaryStep: AdmissionStep {
    public let name = "canary"
    let routing: any CanaryRouting

    public init(routing: any CanaryRouting) {
        self.routing = routing
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        let values = context.head.headers.values(for: CanaryForcing.header)
        var forced: Arm?
        if !values.isEmpty {
            switch CanaryForcing.read(values, roles: context.identity?.roles ?? [], allowedRoles: routing.forceRoles) {
            case .success(let arm): forced = arm
            case .failure(.notAllowed):
                return .reject(Rejection(
                    .forbidden, "\(CanaryForcing.header) needs one of the roles \(routing.forceRoles.sorted().joined(separator: ", "))"))
            case .failure(.badValue(let value)):
                return .reject(Rejection(.badRequest, "\(CanaryForcing.header) must be canary or stable, not \(value)"))
            case .failure(.repeated):
                return .reject(Rejection(.badRequest, "\(CanaryForcing.header) sent more than once"))
            }
        }
        guard let arm = routing.route(tenant: context.tenant, forced: forced) else { return .continue }
        context.arm = arm
        context.onCompletion(CanaryObservation(
            routing: routing, arm: arm, tenant: context.tenant, rootFields: context.operation?.rootFields.map(\.name) ?? [],
            started: ContinuousClock.now))
        return .continue
    }
}

/// The canary step's post phase: one observation for the judge per routed request that
/// reached an ending (a client that left first is not counted: nothing was judged).
struct CanaryObservation: StepCompletion {
    let routing: any CanaryRouting
    let arm: Arm
    let tenant: String?
    let rootFields: [String]
    let started: ContinuousClock.Instant

    var needsResponseBody: Bool { true }

    func refused() async {}

    func finished(_ ending: ForwardEnding) {
        let elapsed = ContinuousClock.now - started
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        switch ending {
        case .answered(let status, let body, _):
            let read = AnswerInspection.read(body: body, tenant: tenant, securityCodes: routing.securityCodes)
            routing.observe(ArmObservation(
                arm: arm, tenant: tenant, rootFields: rootFields, latencyMicros: micros, error: status >= 500,
                costMicros: read.costMicros, securityViolation: read.violation))
        case .failed:
            routing.observe(ArmObservation(
                arm: arm, tenant: tenant, rootFields: rootFields, latencyMicros: micros, error: true, costMicros: nil, securityViolation: false))
        case .clientGone:
            break
        }
    }
}
