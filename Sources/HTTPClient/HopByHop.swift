import HTTP

/// Hop-by-hop headers (RFC 9110 §7.6.1) are meaningful for one connection
/// only, so a proxy removes them in both directions: `Connection` and every
/// header it names, `Keep-Alive`, `TE`, `Trailer`, `Transfer-Encoding`,
/// `Upgrade`, and `Proxy-*`.
public enum HopByHop {
    static let fixed: Set<String> = [
        "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade",
    ]

    /// Removes hop-by-hop headers in place.
    public static func strip(_ headers: inout HTTPHeaders) {
        let named = Set(headers.tokens(for: "Connection"))
        var kept = HTTPHeaders()
        for (name, value) in headers {
            let lower = name.lowercased()
            if fixed.contains(lower) || named.contains(lower) || lower.hasPrefix("proxy-") { continue }
            kept.add(name: name, value: value)
        }
        headers = kept
    }
}
