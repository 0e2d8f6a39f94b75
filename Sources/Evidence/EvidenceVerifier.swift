import Crypto
import Gates
import Kit

/// `safemut evidence verify DIR --key PUB.pem`: every problem it finds, or none. Checks the
/// manifest's digests against the files (and that no file is missing or extra), the summary
/// and every gate statement's DSSE signature, that the summary names every gate of the
/// results and every file, and (by the caller, with the database) the audit anchor.
public struct EvidenceVerifier: Sendable {
    public struct Report: Sendable, Equatable {
        public var problems: [String]
        public var anchor: AuditAnchor?
        public var gates: Int
        public var release: String?
    }

    public static func verify(directory: String, key: PublicKey) -> Report {
        var problems: [String] = []
        var report = Report(problems: [], anchor: nil, gates: 0, release: nil)
        guard let keyID = try? key.keyID().get() else {
            report.problems = ["the public key has no id"]
            return report
        }
        // 1. The manifest: every listed file is there with its digest; nothing else is.
        let manifest: JSONValue
        do {
            manifest = try JSONValue.parse(try EvidenceFiles.read(directory + "/manifest.json"))
        } catch {
            report.problems = ["manifest.json: \(error)"]
            return report
        }
        var listed: [String: String] = [:]
        for entry in manifest["files"]?.arrayValue ?? [] {
            guard let path = entry["path"]?.stringValue, let digest = entry["sha256"]?.stringValue else {
                problems.append("manifest.json: a file entry without path or sha256")
                continue
            }
            listed[path] = digest
            guard let bytes = try? EvidenceFiles.read(directory + "/" + path) else {
                problems.append("\(path): listed in the manifest but missing")
                continue
            }
            if "sha256:" + SHA256Digest.hex(bytes) != digest { problems.append("\(path): sha256 differs from the manifest") }
        }
        for path in EvidenceFiles.list(directory) where path != "manifest.json" && listed[path] == nil {
            problems.append("\(path): not in the manifest")
        }
        // 2. The summary: signed by the key, and naming every file and gate.
        let summary: JSONValue
        switch statement(directory + "/summary.intoto.dsse.json", key: key, keyID: keyID, expectedType: EvidenceBundle.summaryPredicateType) {
        case .failure(let problem):
            problems.append("summary.intoto.dsse.json: \(problem)")
            report.problems = problems
            return report
        case .success(let value): summary = value
        }
        let predicate = summary["predicate"] ?? .null
        report.release = predicate["release"]?.stringValue
        if manifest["releaseTag"]?.stringValue != report.release { problems.append("manifest.json: releaseTag differs from the signed summary") }
        var summarized: Set<String> = ["summary.intoto.dsse.json"]
        for entry in predicate["files"]?.arrayValue ?? [] {
            guard let path = entry["path"]?.stringValue, let digest = entry["sha256"]?.stringValue else { continue }
            summarized.insert(path)
            if listed[path] != "sha256:" + digest { problems.append("\(path): the signed summary's sha256 differs from the manifest") }
        }
        for path in listed.keys where !summarized.contains(path) { problems.append("\(path): in the manifest but not in the signed summary") }
        if let matrix = try? EvidenceFiles.read(directory + "/matrix.yaml"), predicate["policy"]?["sha256"]?.stringValue != SHA256Digest.hex(matrix) {
            problems.append("matrix.yaml: its sha256 is not the summary's policy digest")
        }
        // 3. Every gate of the results has a signed statement agreeing with it.
        let results = (try? EvidenceFiles.read(directory + "/gate-results.json")).flatMap { try? JSONValue.parse($0) }
        let resultGates = results?["gates"]?.arrayValue ?? []
        let summaryGates = predicate["gates"]?.arrayValue ?? []
        if resultGates.count != summaryGates.count {
            problems.append("the summary names \(summaryGates.count) gate statement(s), gate-results.json has \(resultGates.count) gate(s)")
        }
        for gate in resultGates {
            guard let id = gate["id"]?.stringValue else { continue }
            guard let entry = summaryGates.first(where: { $0["id"]?.stringValue == id }), let path = entry["statement"]?.stringValue else {
                problems.append("gate \(id): no statement in the signed summary")
                continue
            }
            switch statement(directory + "/" + path, key: key, keyID: keyID, expectedType: EvidenceBundle.gatePredicateType) {
            case .failure(let problem): problems.append("\(path): \(problem)")
            case .success(let value):
                if value["predicate"]?["result"] != gate { problems.append("\(path): the signed result differs from gate-results.json") }
                if value["subject"] != summary["subject"] { problems.append("\(path): its subjects differ from the summary's") }
            }
        }
        report.gates = resultGates.count
        if let audit = predicate["audit"], let seq = audit["head_seq"]?.int64Value, let hash = audit["head_hash"]?.stringValue {
            report.anchor = AuditAnchor(seq: seq, hash: hash)
        } else {
            problems.append("the summary has no audit head")
        }
        report.problems = problems
        return report
    }

    /// The statement inside a DSSE envelope file, once its signature verifies.
    private static func statement(_ path: String, key: PublicKey, keyID: String, expectedType: String) -> Result<JSONValue, EvidenceError> {
        let envelope: DSSEEnvelope
        do {
            envelope = try DSSEEnvelope.parse(try EvidenceFiles.read(path))
        } catch {
            return .failure(.badInput("\(error)"))
        }
        guard envelope.payloadType == DSSE.inTotoPayloadType else { return .failure(.badInput("payloadType is \(envelope.payloadType)")) }
        guard envelope.isSigned(by: key, keyID: keyID) else { return .failure(.badInput("no signature verifies with the given key")) }
        guard let value = try? JSONValue.parse(envelope.payload), value["_type"]?.stringValue == InTotoStatement.type else {
            return .failure(.badInput("the payload is not an in-toto Statement v1"))
        }
        guard value["predicateType"]?.stringValue == expectedType else { return .failure(.badInput("predicateType is not \(expectedType)")) }
        return .success(value)
    }
}
