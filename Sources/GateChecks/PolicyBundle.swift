import Crypto
import Foundation
import Gates

/// Signs and verifies the policy bundle on disk: the manifest of every file under the
/// policy directory, and its detached signature.
public enum PolicyBundle {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case malformed(path: String, reason: String)
        case badKey(path: String, reason: String)
        case badSignature(bundle: String)
        /// A listed file's bytes differ from the manifest, or it is gone.
        case fileChanged(path: String, reason: String)
        /// A policy file on disk that the bundle does not list: unsigned policy.
        case unlisted(path: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
            case .malformed(let path, let reason): "\(path): \(reason)"
            case .badKey(let path, let reason): "\(path): \(reason)"
            case .badSignature(let bundle): "\(bundle): the signature does not verify with the given key"
            case .fileChanged(let path, let reason): "\(path): \(reason)"
            case .unlisted(let path): "\(path) is not in the signed bundle (unsigned policy)"
            }
        }
    }

    /// The files a bundle covers: every regular file under `directory`, by relative path,
    /// except the bundle and signature themselves.
    static func policyFiles(in directory: String, excluding: Set<String>) throws(Failure) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw .unreadable(path: directory, reason: "not a directory")
        }
        var out: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = directory + "/" + relative
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if excluding.contains(URL(fileURLWithPath: full).standardized.path) { continue }
            out.append(relative)
        }
        return out.sorted()
    }

    static func read(_ path: String) throws(Failure) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "no such file or not readable") }
        return Array(data)
    }

    /// Writes `bundle` (the manifest of `directory`) and `bundle + ".sig"`.
    public static func sign(directory: String, keyPath: String, bundle: String, nowMicros: Int64) throws(Failure) -> PolicyBundleManifest {
        let key: SigningKey
        switch SigningKey.p256(pem: try read(keyPath)) {
        case .failure(let error): throw .badKey(path: keyPath, reason: "\(error)")
        case .success(let value): key = value
        }
        let skip: Set<String> = [URL(fileURLWithPath: bundle).standardized.path, URL(fileURLWithPath: bundle + ".sig").standardized.path]
        var files: [PolicyBundleManifest.File] = []
        for relative in try policyFiles(in: directory, excluding: skip) {
            files.append(PolicyBundleManifest.File(path: relative, sha256: SHA256Digest.hex(try read(directory + "/" + relative))))
        }
        guard !files.isEmpty else { throw .unreadable(path: directory, reason: "no policy files") }
        let manifest = PolicyBundleManifest(createdAtMicros: nowMicros, files: files)
        let signature: [UInt8]
        switch key.signSHA256(manifest.bytes) {
        case .failure(let error): throw .badKey(path: keyPath, reason: "\(error)")
        case .success(let value): signature = value
        }
        guard FileManager.default.createFile(atPath: bundle, contents: Data(manifest.bytes)),
              FileManager.default.createFile(atPath: bundle + ".sig", contents: Data(signature))
        else { throw .unreadable(path: bundle, reason: "cannot write") }
        return manifest
    }

    /// Checks the signature with `publicKeyPath`, every listed file's digest under
    /// `directory`, and that no policy file there is missing from the bundle.
    public static func verify(bundle: String, publicKeyPath: String, directory: String) throws(Failure) -> PolicyBundleManifest {
        let bytes = try read(bundle)
        let signature = try read(bundle + ".sig")
        let key: PublicKey
        switch PublicKey.p256(pem: try read(publicKeyPath)) {
        case .failure(let error): throw .badKey(path: publicKeyPath, reason: "\(error)")
        case .success(let value): key = value
        }
        guard (try? key.verifySHA256(message: bytes, signature: signature).get()) == true else { throw .badSignature(bundle: bundle) }
        let manifest: PolicyBundleManifest
        do {
            manifest = try PolicyBundleManifest.parse(bytes)
        } catch {
            throw .malformed(path: bundle, reason: error.message)
        }
        for file in manifest.files {
            let path = directory + "/" + file.path
            guard let data = FileManager.default.contents(atPath: path) else { throw .fileChanged(path: path, reason: "listed in the bundle but missing") }
            guard SHA256Digest.hex(Array(data)) == file.sha256 else { throw .fileChanged(path: path, reason: "its sha256 differs from the signed bundle's") }
        }
        let listed = Set(manifest.files.map(\.path))
        let skip: Set<String> = [URL(fileURLWithPath: bundle).standardized.path, URL(fileURLWithPath: bundle + ".sig").standardized.path]
        if let extra = try policyFiles(in: directory, excluding: skip).first(where: { !listed.contains($0) }) {
            throw .unlisted(path: directory + "/" + extra)
        }
        return manifest
    }
}
