import Crypto
import Foundation
import Gates
import Kit

/// `safemut evidence bundle` (SPEC §11): one in-toto Statement per gate result, each in a
/// DSSE envelope signed with ECDSA P-256; a summary statement naming the matrix's digest,
/// every other file's digest and the audit chain's head; `manifest.json` of every file's
/// sha256 in the seed's export-manifest shape.
///
/// Layout of DIR: `gate-results.json` (the run, byte for byte), `matrix.yaml`, `inputs/…`
/// (what the gates read, content-addressed), `statements/<gate>.intoto.dsse.json`,
/// `summary.intoto.dsse.json`, `manifest.json`.
public struct EvidenceBundle: Sendable {
    public static let gatePredicateType = "https://safemut.dev/attestations/gate-result/v1"
    public static let summaryPredicateType = "https://safemut.dev/attestations/release-evidence/v1"

    public struct Artifact: Sendable, Equatable {
        public var name: String
        public var sha256: String

        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    public var release: String
    public var results: [UInt8]
    public var matrix: [UInt8]
    /// Input contents by sha256 (from `gate validate --output F`'s `F.inputs/`).
    public var inputContents: [String: [UInt8]]
    public var artifacts: [Artifact]
    public var anchor: AuditAnchor
    public var createdAtMicros: Int64

    public init(
        release: String, results: [UInt8], matrix: [UInt8], inputContents: [String: [UInt8]], artifacts: [Artifact], anchor: AuditAnchor,
        createdAtMicros: Int64
    ) {
        self.release = release
        self.results = results
        self.matrix = matrix
        self.inputContents = inputContents
        self.artifacts = artifacts
        self.anchor = anchor
        self.createdAtMicros = createdAtMicros
    }

    /// What was written: the summary envelope's sha256 (the audit entry records it).
    public struct Written: Sendable, Equatable {
        public var summarySHA256: String
        public var files: Int
        public var overall: String
    }

    public func write(to directory: String, key: SigningKey) throws(EvidenceError) -> Written {
        let run: JSONValue
        do {
            run = try JSONValue.parse(results)
        } catch {
            throw .badInput("the gate results are not JSON: \(error)")
        }
        guard run["kind"]?.stringValue == "safemut.gates/v1", let gates = run["gates"]?.arrayValue, !gates.isEmpty else {
            throw .badInput("the gate results are not a safemut.gates/v1 run with gates (safemut gate validate --output F)")
        }
        let matrixDigest = SHA256Digest.hex(matrix)
        guard run["matrix"]?["sha256"]?.stringValue == matrixDigest else {
            throw .badInput("the results were evaluated against matrix \(run["matrix"]?["sha256"]?.stringValue ?? "?"), not this file (\(matrixDigest))")
        }
        if let ran = run["release"]?.stringValue, ran != release {
            throw .badInput("the results are for release \(ran), not \(release)")
        }
        guard !artifacts.isEmpty else { throw .badInput("name at least one release artifact (--artifact NAME=PATH): statements need a subject") }
        let keyID: String
        switch key.publicKey.keyID() {
        case .failure(let error): throw .badKey("\(error)")
        case .success(let id): keyID = id
        }
        let subjects = artifacts.map { InTotoStatement.Subject(name: $0.name, sha256: $0.sha256) }
        var files: [(String, [UInt8])] = [("gate-results.json", results), ("matrix.yaml", matrix)]
        var snapshots: [JSONValue] = []
        for gate in gates {
            for input in gate["inputs"]?.arrayValue ?? [] {
                guard let digest = input["sha256"]?.stringValue, let content = inputContents[digest] else { continue }
                let path = "inputs/\(digest)"
                if !files.contains(where: { $0.0 == path }) { files.append((path, content)) }
                if let ref = input["ref"]?.stringValue, let kind = input["kind"]?.stringValue { snapshots.append(.string("\(kind)://\(ref)")) }
            }
        }
        var gateEntries: [JSONValue] = []
        var manifestGates: [JSONValue] = []
        for gate in gates {
            guard let id = gate["id"]?.stringValue, id.utf8.allSatisfy(\.isGateIDByte), let verdict = gate["verdict"]?.stringValue else {
                throw .badInput("a gate result without a valid id or verdict")
            }
            let statement = InTotoStatement(subjects: subjects, predicateType: Self.gatePredicateType, predicate: .object([
                JSONMember("release", .string(release)),
                JSONMember("matrix_sha256", .string(matrixDigest)),
                JSONMember("evaluated_at", run["evaluated_at"] ?? .null),
                JSONMember("result", gate),
            ]))
            let envelope = try sign(statement, key: key, keyID: keyID)
            let path = "statements/\(id).intoto.dsse.json"
            files.append((path, envelope.bytes))
            gateEntries.append(.object([
                JSONMember("id", .string(id)), JSONMember("verdict", .string(verdict)),
                JSONMember("statement", .string(path)), JSONMember("sha256", .string(SHA256Digest.hex(envelope.bytes))),
            ]))
            manifestGates.append(.object([
                JSONMember("id", .string(id)), JSONMember("status", .string(verdict)), JSONMember("evidence", .string(path)),
            ]))
        }
        let summary = InTotoStatement(subjects: subjects, predicateType: Self.summaryPredicateType, predicate: .object([
            JSONMember("release", .string(release)),
            JSONMember("created_at", .string(RFC3339.format(micros: createdAtMicros))),
            JSONMember("overall", run["overall"] ?? .null),
            JSONMember("policy", .object([JSONMember("file", .string("matrix.yaml")), JSONMember("sha256", .string(matrixDigest))])),
            JSONMember("gates", .array(gateEntries)),
            JSONMember("files", .array(files.map { .object([JSONMember("path", .string($0.0)), JSONMember("sha256", .string(SHA256Digest.hex($0.1)))]) })),
            JSONMember("audit", .object([JSONMember("head_seq", .number(String(anchor.seq))), JSONMember("head_hash", .string(anchor.hash))])),
        ]))
        let summaryEnvelope = try sign(summary, key: key, keyID: keyID)
        files.append(("summary.intoto.dsse.json", summaryEnvelope.bytes))
        let manifest = JSONValue.object([
            JSONMember("releaseTag", .string(release)),
            JSONMember("artifacts", .array(artifacts.map { .object([JSONMember("name", .string($0.name)), JSONMember("digest", .string("sha256:" + $0.sha256))]) })),
            JSONMember("gates", .array(manifestGates)),
            JSONMember("snapshots", .array(snapshots)),
            JSONMember("signatures", .array(summaryEnvelope.signatures.map {
                .object([JSONMember("issuer", .string("safemut")), JSONMember("keyid", .string($0.keyID)),
                         JSONMember("sig", .string(Data($0.signature).base64EncodedString())), JSONMember("covers", .string("summary.intoto.dsse.json"))])
            })),
            JSONMember("files", .array(files.map { .object([JSONMember("path", .string($0.0)), JSONMember("sha256", .string("sha256:" + SHA256Digest.hex($0.1)))]) })),
        ])
        guard EvidenceFiles.list(directory).isEmpty else { throw .unwritable(path: directory, reason: "not empty: a bundle is written once") }
        for (path, bytes) in files { try EvidenceFiles.write(bytes, to: directory + "/" + path) }
        try EvidenceFiles.write(Array((manifest.serialized + "\n").utf8), to: directory + "/manifest.json")
        return Written(summarySHA256: SHA256Digest.hex(summaryEnvelope.bytes), files: files.count + 1, overall: run["overall"]?.stringValue ?? "?")
    }

    private func sign(_ statement: InTotoStatement, key: SigningKey, keyID: String) throws(EvidenceError) -> DSSEEnvelope {
        switch DSSEEnvelope.sign(payload: statement.bytes, payloadType: DSSE.inTotoPayloadType, key: key, keyID: keyID) {
        case .failure(let error): throw .badKey("\(error)")
        case .success(let envelope): return envelope
        }
    }
}
