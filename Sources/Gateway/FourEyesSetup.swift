import Contract
import Admin
import Admission
import ApprovalPolicy
import Config
import FourEyes
import Logging
import Postgres
import Telemetry

/// The four-eyes parts `serve` runs with (issue 7): the admission step, the approval and
/// emergency-override admin routes, and the refresher that keeps the override and the
/// pending gauge current. Without `database.url` the step still decides, but a mutation
/// that needs approval is refused (503) and the admin routes say Postgres is missing.
public struct FourEyesSetup: Sendable {
    public let step: FourEyesStep
    public let endpoints: [AdminEndpoint]
    public let refresher: FourEyesRefresher?
    let opa: OPAClient?

    public static func make(_ config: SafemutConfig, postgres: PostgresPool?, logger: Logger) throws(DependencyError) -> FourEyesSetup? {
        guard config.fourEyes.enabled else { return nil }
        let metrics = FourEyesMetrics()
        var opa: OPAClient?
        if let url = config.opa.url {
            guard let endpoint = HTTPEndpoint(parsing: url) else {
                throw DependencyError(key: "opa.url", message: "not an http://host:port URL: \(url)")
            }
            do {
                opa = try OPAClient(configuration: OPAClientConfiguration(
                    host: endpoint.host, port: endpoint.port, basePath: endpoint.basePath,
                    timeoutMilliseconds: config.opa.timeout.wholeMilliseconds))
            } catch {
                throw DependencyError(key: "opa.url", message: "\(error)")
            }
        }
        let decider = PolicyDecider(
            remote: opa.map { RemotePolicyEvaluator(client: $0, failMode: .closed) },
            fallBackToLocal: config.opa.failMode == .open, metrics: metrics, logger: logger)
        let emergency = EmergencyOverrideState()
        let approvals = postgres.map { ApprovalStore(pool: $0, lifetime: config.fourEyes.approvalTTL) }
        let step = FourEyesStep(
            approvals: FourEyesGate(decider: decider, approvals: approvals, emergency: emergency, metrics: metrics),
            failOpen: config.fourEyes.failMode == .open)
        guard let postgres, let approvals else {
            logger.warning("four-eyes approvals disabled: database.url is not set, so mutations that need approval are refused")
            return FourEyesSetup(step: step, endpoints: ApprovalAdmin.unavailableEndpoints(), refresher: nil, opa: opa)
        }
        let overrides = EmergencyOverrideStore(pool: postgres)
        let admin = ApprovalAdmin(approvals: approvals, overrides: overrides, emergency: emergency, metrics: metrics, logger: logger)
        let refresher = FourEyesRefresher(
            overrides: overrides, approvals: approvals, state: emergency, metrics: metrics, logger: logger)
        return FourEyesSetup(step: step, endpoints: admin.endpoints, refresher: refresher, opa: opa)
    }

    /// Reads the live override before the listener opens, then keeps it current.
    public func start() {
        guard let refresher else { return }
        blockingWait { await refresher.refresh() }
        refresher.start()
    }

    public func stop() {
        refresher?.stop()
        opa?.shutdown()
    }
}
