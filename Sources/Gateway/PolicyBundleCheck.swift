import Config
import GateChecks
import Logging

/// The start-up half of gate G4: with `policy.bundle` set, the policy files OPA serves must
/// match the signed bundle (signature by `policy.public_key`, every file's sha256, nothing
/// unlisted), or the gateway refuses to start: unsigned policy is not enforcement.
enum PolicyBundleCheck {
    static func verify(_ config: PolicyBundleConfig, logger: Logger) throws(GatewayRuntime.StartError) {
        guard let bundle = config.bundle else { return }
        guard let key = config.publicKey else {
            throw GatewayRuntime.StartError(exitCode: 2, description: "policy.bundle is set but policy.public_key is not: nothing can verify it")
        }
        let directory = config.directory ?? {
            let parts = bundle.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count > 1 ? parts.dropLast().joined(separator: "/") : "."
        }()
        do {
            let manifest = try PolicyBundle.verify(bundle: bundle, publicKeyPath: key, directory: directory)
            logger.info("policy bundle verified", metadata: ["bundle": "\(bundle)", "files": "\(manifest.files.count)"])
        } catch {
            throw GatewayRuntime.StartError(exitCode: 3, description: "policy bundle check failed, refusing to start: \(error)")
        }
    }
}
