/// The status line and header fields of one response.
public struct HTTPResponseHead: Sendable, Equatable {
    /// The three-digit status code.
    public var status: Int
    /// The reason phrase; clients ignore it, so it is only informative.
    public var reason: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    /// A response head; `reason` defaults to the standard phrase for `status`.
    public init(status: Int, reason: String? = nil, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.reason = reason ?? HTTPStatus.reason(for: status)
        self.version = version
        self.headers = headers
    }

    /// Whether the connection may carry another exchange according to the headers:
    /// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    /// A body delimited by close also ends the connection; see
    /// ``HTTPResponseDecoder/bodyEndsOnClose``.
    public var keepAlive: Bool {
        HTTPRequestHead.keepAlive(version: version, headers: headers)
    }
}
