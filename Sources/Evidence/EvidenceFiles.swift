import Foundation

/// The bundle directory's file operations, in one place: read, write (creating folders),
/// and list every regular file by relative path.
enum EvidenceFiles {
    static func read(_ path: String) throws(EvidenceError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        return Array(data)
    }

    static func write(_ bytes: [UInt8], to path: String) throws(EvidenceError) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: folder, reason: error.localizedDescription)
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw .unwritable(path: path, reason: "cannot create") }
    }

    static func list(_ directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                out.append(relative)
            }
        }
        return out.sorted()
    }
}

/// Why a bundle could not be made or does not verify.
public enum EvidenceError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String)
    case unwritable(path: String, reason: String)
    case badInput(String)
    case badKey(String)
    case database(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "\(path): cannot read"
        case .unwritable(let path, let reason): "\(path): cannot write: \(reason)"
        case .badInput(let why): why
        case .badKey(let why): "key: \(why)"
        case .database(let why): "audit log: \(why)"
        }
    }
}
