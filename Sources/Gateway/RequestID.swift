import Crypto
import HTTP

/// `X-Request-Id` handling: a client's id is kept when it is short and
/// harmless (it ends up in logs, the ledger and the audit log); otherwise a
/// fresh one is generated.
enum RequestIDs {
    static func from(_ headers: HTTPHeaders) -> String {
        if let given = headers["X-Request-Id"], isAcceptable(given) { return given }
        return RequestID.generate()
    }

    static func isAcceptable(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 128 else { return false }
        return id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
        }
    }
}
