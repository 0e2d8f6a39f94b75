import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The drill's working directory: the backup (when taken now), the WAL snapshot, the
/// restored cluster, the gateway's config and every log.
struct ScratchDirectory: Sendable {
    let path: String
    /// True when the drill made it (a temporary directory: removed afterwards unless kept).
    let created: Bool

    /// `given` (created when absent; refused when it holds anything, so a drill never writes
    /// over an operator's files) or a new directory under the system temp directory. Blocking.
    static func make(_ given: String?) throws(DrillError) -> ScratchDirectory {
        let directory: ScratchDirectory
        if let given {
            let files = FileManager.default
            if files.fileExists(atPath: given) {
                guard let entries = try? files.contentsOfDirectory(atPath: given) else {
                    throw DrillError(step: "scratch", code: .badArgument, message: "--scratch-dir \(given) is not a readable directory")
                }
                guard entries.isEmpty else {
                    throw DrillError(step: "scratch", code: .badArgument, message: "--scratch-dir \(given) is not empty")
                }
            } else {
                do {
                    try files.createDirectory(atPath: given, withIntermediateDirectories: true)
                } catch {
                    throw DrillError(step: "scratch", code: .badArgument, message: "cannot create --scratch-dir \(given): \(error.localizedDescription)")
                }
            }
            directory = ScratchDirectory(path: given, created: false)
        } else {
            var template = Array((NSTemporaryDirectory() + "safemut-drill-XXXXXX").utf8CString)
            let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
                guard let base = buffer.baseAddress else { return false }
                return mkdtemp(base) != nil
            }
            guard made else {
                throw DrillError(step: "scratch", code: .badArgument, message: "cannot create a temporary directory (errno \(errno))")
            }
            directory = ScratchDirectory(path: String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), created: true)
        }
        // The restore runs as `postgres` when the drill runs as root: it must be able to pass
        // through (not list) the directory to its data, socket and WAL subdirectories.
        chmod(directory.path, 0o711)
        return directory
    }
}
