import Foundation

/// The few file-system questions the CLI asks.
enum FileSystem {
    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }
}
