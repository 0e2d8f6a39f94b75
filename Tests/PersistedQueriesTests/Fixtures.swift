import Foundation
import Crypto
import Kit
@testable import PersistedQueries

/// Literal fixtures. The manifest bytes were signed with the `openssl` CLI, not with this
/// module, so the signature tests check against an independent implementation:
///
///     openssl genpkey -algorithm ed25519 -out priv.pem; openssl pkey -in priv.pem -pubout
///     openssl pkeyutl -sign -rawin -inkey priv.pem -in manifest.json | od -An -v -tx1 | tr -d ' \n'
///     openssl dgst -sha256 -hmac fixture-hmac-secret -binary manifest.json | od -An -v -tx1 | tr -d ' \n'
enum Fixtures {
    static let manifest = #"{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"58cfcc290210ecf6d9f458a66a0f7bce90244a166c621325b957544154c376bc","name":"GetEntity","type":"query","body":"query GetEntity($id: ID!) {\n  entity(id: $id) {\n    id\n    ...EntityFields\n  }\n}\n\nfragment EntityFields on Entity {\n  name\n}"},{"id":"5c3a7621f3ee9c4336c1baa84a27f6fb4cfe94751840d918ed62830ecbccbf12","name":"SafeNoop","type":"mutation","body":"mutation SafeNoop {\n  SafeNoop\n}"}]}"#

    static var manifestBytes: [UInt8] { Array(manifest.utf8) }

    static let getEntityID = "58cfcc290210ecf6d9f458a66a0f7bce90244a166c621325b957544154c376bc"
    static let safeNoopID = "5c3a7621f3ee9c4336c1baa84a27f6fb4cfe94751840d918ed62830ecbccbf12"
    static let getEntityBody = "query GetEntity($id: ID!) {\n  entity(id: $id) {\n    id\n    ...EntityFields\n  }\n}\n\nfragment EntityFields on Entity {\n  name\n}"
    static let safeNoopBody = "mutation SafeNoop {\n  SafeNoop\n}"

    static let ed25519PublicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAySy0+hyZtKDhqOdKnYxJ0lAdK8EUxSpV15UjLypwhpk=
        -----END PUBLIC KEY-----

        """
    /// Ed25519 over `manifest`, hex (the signature file format), with a trailing newline.
    static let ed25519Signature = "58ceebd5dee19fcf463815fc55e9301c10ff9f5c4abba4a5ba1461816b5de5d3b19a00503961c0fee616b0124147fbd276f5dad1ccd024455570d18fbe3eb506\n"

    static let hmacSecret = "fixture-hmac-secret"
    /// HMAC-SHA256 over `manifest` with `hmacSecret`, hex.
    static let hmacSignature = "a26a3e1fced7dd927488df99f5ed796ff920b2bba3067ddf7b4e8182b334e787"

    /// An Ed448 public key: valid PEM, wrong algorithm.
    static let ed448PublicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MEMwBQYDK2VxAzoAhiQMUwhaviJhcjie9x1Prtmg0Hj/xMNAHFTylWpBpE8Goq4a
        ho67SV7SfxWskiTD76hD+LWUc8mA
        -----END PUBLIC KEY-----
        """

    /// A P-256 public key: valid PEM, wrong algorithm.
    static let p256PublicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE52AhR/MlhjXCJylL+wdTaSZqmjhz
        ZshqwQ3QmO1kQqmkugFq5LQ3HbNWlTGdPc9LjWTCRaTaJrnOzMQd+1C60Q==
        -----END PUBLIC KEY-----
        """

    /// A manifest JSON text for `operations` given as (name, type, body); ids computed
    /// unless `id` overrides one.
    static func manifestJSON(_ operations: [(name: String, type: String, body: String, id: String?)]) -> String {
        let items = operations.map { op in
            let id = op.id ?? SHA256Digest.hex(op.body.utf8)
            return "{\"id\":\(JSONText.quoted(id)),\"name\":\(JSONText.quoted(op.name)),\"type\":\(JSONText.quoted(op.type)),\"body\":\(JSONText.quoted(op.body))}"
        }
        return "{\"format\":\"apollo-persisted-query-manifest\",\"version\":1,\"operations\":[\(items.joined(separator: ","))]}"
    }

    static func manifestJSON(_ operations: [(name: String, type: String, body: String)]) -> String {
        manifestJSON(operations.map { ($0.name, $0.type, $0.body, nil) })
    }
}
