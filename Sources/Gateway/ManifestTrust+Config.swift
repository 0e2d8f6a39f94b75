import Config
import Foundation
import PersistedQueries

extension ManifestTrust {
    /// The keys and rule of `pq.require_signature`, `pq.hmac_key_file` and
    /// `pq.ed25519_public_key_path`; an unreadable or unusable key names its key.
    public init(_ config: PersistedQueryConfig) throws(PipelineConfigError) {
        var keys: [ManifestVerificationKey] = []
        if let path = config.hmacKeyFile {
            var secret = try Self.read(path, key: "pq.hmac_key_file")
            // A trailing newline from `echo` or an editor is not part of the secret.
            while let last = secret.last, last == 0x0A || last == 0x0D { secret.removeLast() }
            do {
                keys.append(try .hmac(secret: secret))
            } catch {
                throw PipelineConfigError(key: "pq.hmac_key_file", message: "\(error)")
            }
        }
        if let path = config.ed25519PublicKeyPath {
            let pem = try Self.read(path, key: "pq.ed25519_public_key_path")
            do {
                keys.append(try .ed25519(pem: pem))
            } catch {
                throw PipelineConfigError(key: "pq.ed25519_public_key_path", message: "\(error)")
            }
        }
        if config.requireSignature && keys.isEmpty {
            throw PipelineConfigError(
                key: "pq.require_signature",
                message: "on, but no key to verify with: set pq.hmac_key_file or pq.ed25519_public_key_path")
        }
        self.init(requireSignature: config.requireSignature, keys: keys)
    }

    private static func read(_ path: String, key: String) throws(PipelineConfigError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineConfigError(key: key, message: "cannot read \(path)")
        }
        return [UInt8](data)
    }
}
