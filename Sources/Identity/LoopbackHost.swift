/// Reads a `Host` header value (`uri-host [ ":" port ]`) for `LoopbackOperatorGuard`.
///
/// Loopback means `localhost` or an address literal in 127.0.0.0/8 or `::1` (also the
/// IPv4-mapped `::ffff:127.x.y.z`). No other name counts, `*.localhost` included: a name
/// resolved through DNS is exactly what a rebinding attacker controls.
enum LoopbackHost {
    /// Whether `value` names this machine's loopback interface, with any port.
    static func isLoopback(_ value: String) -> Bool {
        guard let host = hostPart(value) else { return false }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), let bytes = SystemCalls.ipv6Address(String(host.dropFirst().dropLast())) else {
                return false
            }
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
            return bytes == Array(repeating: 0, count: 15) + [1] || (Array(bytes.prefix(12)) == mappedPrefix && bytes[12] == 127)
        }
        if host.lowercased() == "localhost" { return true }
        guard let bytes = SystemCalls.ipv4Address(String(host)) else { return false }
        return bytes.first == 127
    }

    /// The host without its port, or nil when the port is not digits.
    private static func hostPart(_ value: String) -> Substring? {
        let text = Substring(value)
        // An IPv6 literal has colons of its own: the port comes after the closing bracket.
        let portColon: String.Index?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { return nil }
            portColon = rest.isEmpty ? nil : rest.startIndex
        } else {
            portColon = text.firstIndex(of: ":")
        }
        guard let portColon else { return text }
        let port = text[text.index(after: portColon)...]
        guard port.count <= 5, port.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return text[..<portColon]
    }
}
