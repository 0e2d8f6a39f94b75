import Crypto
import Foundation
import Kit

/// Dead Simple Signing Envelope v1 (github.com/secure-systems-lab/dsse, `envelope.md` and
/// `protocol.md`): the signature covers PAE(payloadType, payload), never the JSON around it,
/// so re-encoding the envelope cannot change what was signed.
public enum DSSE {
    /// The payload type of an in-toto Statement.
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, LEN the decimal byte count.
    public static func pae(payloadType: String, payload: [UInt8]) -> [UInt8] {
        var out = Array("DSSEv1 \(payloadType.utf8.count) \(payloadType) \(payload.count) ".utf8)
        out.append(contentsOf: payload)
        return out
    }
}

/// A DSSE envelope: `{"payload": b64, "payloadType": …, "signatures": [{"keyid", "sig": b64}]}`.
public struct DSSEEnvelope: Sendable, Equatable {
    public struct Signature: Sendable, Equatable {
        public var keyID: String
        /// DER ECDSA over SHA-256 of the PAE.
        public var signature: [UInt8]
    }

    public var payloadType: String
    public var payload: [UInt8]
    public var signatures: [Signature]

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Signs `payload` with `key`; `keyID` is the key's id (`PublicKey.keyID()`).
    public static func sign(payload: [UInt8], payloadType: String, key: SigningKey, keyID: String) -> Result<DSSEEnvelope, CryptoError> {
        key.signSHA256(DSSE.pae(payloadType: payloadType, payload: payload)).map {
            DSSEEnvelope(payloadType: payloadType, payload: payload, signatures: [Signature(keyID: keyID, signature: $0)])
        }
    }

    /// Whether a signature by `key` (its id `keyID`) verifies over the PAE. A signature with
    /// another key id is skipped, as DSSE verifiers do; an empty id is tried against the key.
    public func isSigned(by key: PublicKey, keyID: String) -> Bool {
        let message = DSSE.pae(payloadType: payloadType, payload: payload)
        return signatures.contains { signature in
            (signature.keyID.isEmpty || signature.keyID == keyID)
                && (try? key.verifySHA256(message: message, signature: signature.signature).get()) == true
        }
    }

    public var json: JSONValue {
        .object([
            JSONMember("payload", .string(Data(payload).base64EncodedString())),
            JSONMember("payloadType", .string(payloadType)),
            JSONMember("signatures", .array(signatures.map {
                .object([JSONMember("keyid", .string($0.keyID)), JSONMember("sig", .string(Data($0.signature).base64EncodedString()))])
            })),
        ])
    }

    /// The envelope as the bundle writes it: compact JSON and a newline.
    public var bytes: [UInt8] { Array((json.serialized + "\n").utf8) }

    /// Reads an envelope strictly: the three members, standard base64, at least one signature.
    public static func parse(_ bytes: [UInt8]) throws(Problem) -> DSSEEnvelope {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw Problem(message: "not JSON: \(error)")
        }
        guard let type = value["payloadType"]?.stringValue else { throw Problem(message: "no payloadType") }
        guard let payloadText = value["payload"]?.stringValue, let payload = Data(base64Encoded: payloadText) else {
            throw Problem(message: "payload is not base64")
        }
        guard let list = value["signatures"]?.arrayValue, !list.isEmpty else { throw Problem(message: "no signatures") }
        var signatures: [Signature] = []
        for entry in list {
            guard let sigText = entry["sig"]?.stringValue, let sig = Data(base64Encoded: sigText) else {
                throw Problem(message: "a signature is not base64")
            }
            signatures.append(Signature(keyID: entry["keyid"]?.stringValue ?? "", signature: Array(sig)))
        }
        return DSSEEnvelope(payloadType: type, payload: Array(payload), signatures: signatures)
    }
}

/// An in-toto Statement v1 (github.com/in-toto/attestation, `spec/v1/statement.md`).
public struct InTotoStatement: Sendable, Equatable {
    public static let type = "https://in-toto.io/Statement/v1"

    public struct Subject: Sendable, Equatable {
        public var name: String
        public var sha256: String

        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    public var subjects: [Subject]
    public var predicateType: String
    public var predicate: JSONValue

    public init(subjects: [Subject], predicateType: String, predicate: JSONValue) {
        self.subjects = subjects
        self.predicateType = predicateType
        self.predicate = predicate
    }

    public var json: JSONValue {
        .object([
            JSONMember("_type", .string(Self.type)),
            JSONMember("subject", .array(subjects.map {
                .object([JSONMember("name", .string($0.name)), JSONMember("digest", .object([JSONMember("sha256", .string($0.sha256))]))])
            })),
            JSONMember("predicateType", .string(predicateType)),
            JSONMember("predicate", predicate),
        ])
    }

    public var bytes: [UInt8] { Array(json.serialized.utf8) }
}
