import Crypto
import Kit

/// The signed list of policy files (`policies/*.rego` and data) that OPA serves: the bundle
/// `safemut policy sign` writes and gate G4 and the gateway's start-up verify. The detached
/// signature (`BUNDLE.sig`) is a DER ECDSA P-256 signature over the manifest's bytes, so
/// `openssl dgst -sha256 -verify KEY.pub -signature BUNDLE.sig BUNDLE` checks it too.
public struct PolicyBundleManifest: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    public static let kind = "safemut.policy-bundle/v1"
    public var createdAtMicros: Int64
    public var files: [File]

    public init(createdAtMicros: Int64, files: [File]) {
        self.createdAtMicros = createdAtMicros
        self.files = files.sorted { $0.path < $1.path }
    }

    public var bytes: [UInt8] {
        let json = JSONValue.object([
            JSONMember("kind", .string(Self.kind)),
            JSONMember("created_at", .string(RFC3339.format(micros: createdAtMicros))),
            JSONMember("files", .array(files.map {
                .object([JSONMember("path", .string($0.path)), JSONMember("sha256", .string($0.sha256))])
            })),
        ])
        return Array((json.serialized + "\n").utf8)
    }

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    public static func parse(_ bytes: [UInt8]) throws(Problem) -> PolicyBundleManifest {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw Problem("not JSON: \(error)")
        }
        guard json["kind"]?.stringValue == kind else { throw Problem("not a policy bundle (kind must be \(kind))") }
        guard let created = json["created_at"]?.stringValue.flatMap(RFC3339.parse) else { throw Problem("created_at must be RFC 3339") }
        guard let list = json["files"]?.arrayValue, !list.isEmpty else { throw Problem("files must be a non-empty list") }
        var files: [File] = []
        for entry in list {
            guard let path = entry["path"]?.stringValue, !path.isEmpty, !path.hasPrefix("/"), !path.split(separator: "/").contains(".."),
                  let digest = entry["sha256"]?.stringValue, digest.utf8.count == 64, Hex.decode(digest) != nil
            else { throw Problem("a file entry needs a relative path (no ..) and a 64-hex sha256") }
            files.append(File(path: path, sha256: digest))
        }
        return PolicyBundleManifest(createdAtMicros: created, files: files)
    }
}
