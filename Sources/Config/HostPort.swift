/// A `host:port` socket address such as `127.0.0.1:4000` or `[::1]:4000`.
public struct HostPort: Sendable, Equatable, CustomStringConvertible {
    /// Host name or IP literal, without IPv6 brackets.
    public var host: String
    /// 0...65535; 0 asks the kernel for a free port (tests).
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port`; `nil` when either part is missing or the port is not 0...65535.
    public init?(parsing text: String) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil }  // a bare IPv6 literal needs brackets
        }
        guard HostPort.isPlausibleHost(host), let port = parseDecimal(portText), port <= 65_535 else {
            return nil
        }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, bracketing IPv6 literals.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Non-empty, and only characters that can appear in a host name or IP literal.
    static func isPlausibleHost(_ host: Substring) -> Bool {
        !host.isEmpty && host.utf8.count <= 253 && host.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic && scalar.isASCII
                || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-" || scalar == ":" || scalar == "_"
        }
    }
}

/// Decimal digits only (no sign, no spaces); `nil` when empty, non-numeric or past `Int.max`.
func parseDecimal(_ text: some StringProtocol) -> Int? {
    guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
        return nil
    }
    return Int(text)
}
