import AdminUI
import Config
import Crypto
import Foundation

/// The web UI's CSRF key: `admin.ui_key_file` (shared by the replicas behind one load
/// balancer), or a key this process draws at start.
enum AdminUISetup {
    static func csrf(_ config: SafemutConfig) throws(DependencyError) -> CSRFToken {
        let clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
        guard let path = config.admin.uiKeyFile else {
            do {
                return CSRFToken(key: try SecureRandom.bytes(32), clock: clock)
            } catch {
                throw DependencyError(key: "admin.ui_key_file", message: "no key given and none could be drawn: \(error)")
            }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DependencyError(key: "admin.ui_key_file", message: "\(path) cannot be read")
        }
        guard data.count >= 32 else {
            throw DependencyError(key: "admin.ui_key_file", message: "\(path) holds \(data.count) bytes; at least 32 are needed")
        }
        return CSRFToken(key: Array(data), clock: clock)
    }
}
