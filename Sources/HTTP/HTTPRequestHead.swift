/// The request line and header fields of one request.
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method token exactly as received, e.g. `"GET"` (methods are case-sensitive).
    public var method: String
    /// The request target as received: origin-form `/p?q`, absolute-form
    /// `http://host/p`, `*` (OPTIONS only) or authority-form `host:port` (CONNECT only).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(method: String, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// Whether the connection stays open after this exchange: HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        Self.keepAlive(version: version, headers: headers)
    }

    /// Whether the client sent `Expect: 100-continue` and waits for an interim response.
    public var expectsContinue: Bool {
        guard let expect = headers["Expect"] else { return false }
        return HTTPHeaders.asciiCaseInsensitiveEquals(expect.utf8.trimmingWhitespace(), "100-continue".utf8)
    }

    /// The path to route on: the target up to `?`. For absolute-form targets this
    /// is the path component after the authority (`/` when empty); `*` and
    /// authority-form targets are returned unchanged.
    public var path: String {
        let utf8 = target.utf8
        let pathRange = Self.pathRange(of: utf8)
        if pathRange.isEmpty, Self.authorityStart(of: utf8) != nil { return "/" }
        return String(target[pathRange])
    }

    /// The text after the first `?`, or nil when the target has none.
    public var query: String? {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return String(target[target.utf8.index(after: mark)...])
    }

    static func keepAlive(version: HTTPVersion, headers: HTTPHeaders) -> Bool {
        switch version {
        case .http1_1:
            return !headers.hasToken("close", for: "Connection")
        case .http1_0:
            return headers.hasToken("keep-alive", for: "Connection") && !headers.hasToken("close", for: "Connection")
        }
    }

    /// Where the authority of an absolute-form target begins (after `scheme://`), or nil.
    private static func authorityStart(of utf8: String.UTF8View) -> String.Index? {
        guard let first = utf8.first, first != UInt8(ascii: "/"), first != UInt8(ascii: "*") else { return nil }
        var index = utf8.startIndex
        while index < utf8.endIndex, utf8[index] != ByteClass.colon {
            index = utf8.index(after: index)
        }
        let rest = utf8[index...]
        guard rest.starts(with: "://".utf8) else { return nil }
        return utf8.index(index, offsetBy: 3)
    }

    private static func pathRange(of utf8: String.UTF8View) -> Range<String.Index> {
        let end = utf8.firstIndex(of: UInt8(ascii: "?")) ?? utf8.endIndex
        guard let authority = authorityStart(of: utf8) else {
            return utf8.startIndex..<end
        }
        let pathStart = utf8[authority..<end].firstIndex(of: UInt8(ascii: "/")) ?? end
        return pathStart..<end
    }
}
