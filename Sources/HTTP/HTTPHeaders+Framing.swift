extension HTTPHeaders {
    /// The `Content-Length` value when there is exactly one and it is a plain
    /// decimal number, else nil. On a head from the decoder this is the body length.
    public var contentLength: Int? {
        let values = values(for: "Content-Length")
        guard values.count == 1, case .value(let length) = FramingFacts.parseContentLength(ArraySlice(values[0].utf8.trimmingWhitespace())) else {
            return nil
        }
        return length
    }

    /// Whether the body is chunked: `Transfer-Encoding` is exactly `chunked` (the
    /// only transfer coding the decoders accept).
    public var isChunked: Bool {
        let values = values(for: "Transfer-Encoding")
        return values.count == 1 && HTTPHeaders.asciiCaseInsensitiveEquals(values[0].utf8.trimmingWhitespace(), "chunked".utf8)
    }
}

extension HTTPHeaders: ExpressibleByDictionaryLiteral {
    /// Headers from a literal, in the order written: `["Content-Type": "application/json"]`.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }
}
