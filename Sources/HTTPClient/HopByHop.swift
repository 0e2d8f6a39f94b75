import HTTP

/// Hop-by-hop headers (RFC 9110 §7.6.1) are meaningful for one connection
/// only, so a proxy removes them in both directions: `Connection` and every
/// header it names, `Keep-Alive`, `TE`, `Trailer`, `Transfer-Encoding`,
/// `Upgrade`, and `Proxy-*`.
public enum HopByHop {
    static let fixed = ["Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade"]

    /// Removes hop-by-hop headers in place (runs twice per proxied request,
    /// so it allocates nothing unless a `Connection` header names others).
    public static func strip(_ headers: inout HTTPHeaders) {
        let named = headers.contains("Connection") ? headers.tokens(for: "Connection") : []
        headers.removeAll { name in
            isProxyPrefixed(name)
                || fixed.contains { HTTPHeaders.namesEqual($0, name) }
                || named.contains { HTTPHeaders.namesEqual($0, name) }
        }
    }

    /// `Proxy-*`, ASCII case-insensitively.
    static func isProxyPrefixed(_ name: String) -> Bool {
        var bytes = name.utf8.makeIterator()
        for expected in "proxy-".utf8 {
            guard let byte = bytes.next() else { return false }
            let folded = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
            if folded != expected { return false }
        }
        return true
    }
}
