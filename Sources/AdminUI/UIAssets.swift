import Kit
import Foundation

/// One embedded asset: served from memory under its hashed name, cached as immutable.
struct UIAsset: Sendable {
    /// The file in `ui/` it came from.
    let source: String
    /// `safemut-<first 12 hex of its SHA-256>.css`: a new build with new bytes has a new name.
    let name: String
    let contentType: String
    let sha256: String
    let bytes: [UInt8]

    init(source: String, name: String, contentType: String, sha256: String, base64: String) {
        self.source = source
        self.name = name
        self.contentType = contentType
        self.sha256 = sha256
        // The generator wrote it from the file: a decoding failure is a broken build, caught by AdminUITests.
        bytes = Array(Data(base64Encoded: base64) ?? Data())
    }
}

/// The web UI's CSS and script, generated into the binary from `ui/`
/// (`scripts/gen-ui-assets.py`). Looked up by exact name only: no path is ever built from a URL.
enum UIAssets {
    static let byName: [String: UIAsset] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// `/admin/ui/assets/<hashed name>` of the asset made from `source`.
    static func url(_ source: String) -> String {
        "/admin/ui/assets/" + (all.first { $0.source == source }?.name ?? source)
    }
}
