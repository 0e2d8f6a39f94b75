/// Reads the field lines of a header or trailer section from the buffer, line
/// by line as they arrive, enforcing the size and count limits and noting the
/// fields that decide framing.
struct FieldSection: Sendable {
    enum Role {
        /// The header section: fields are kept, limits give 431 `headersTooLarge` / `tooManyHeaders`.
        case headers
        /// A chunked body's trailer section: fields are validated then dropped.
        case trailers
    }

    private(set) var headers = HTTPHeaders()
    private(set) var facts = FramingFacts()
    private var bytesUsed = 0

    mutating func reset() {
        headers = HTTPHeaders()
        facts = FramingFacts()
        bytesUsed = 0
    }

    /// Consumes complete field lines; true once the empty line ending the section was read.
    mutating func read(from buffer: inout InputBuffer, limits: HTTPLimits, role: Role) throws(HTTPParseError) -> Bool {
        let tooLarge: HTTPParseError.Kind = role == .headers ? .headersTooLarge : .trailersTooLarge
        let tooMany: HTTPParseError.Kind = role == .headers ? .tooManyHeaders : .trailersTooLarge
        while true {
            // Room left for this line's content: the section ends with its own CRLF too.
            let budget = bytesUsed >= limits.maxHeaderBytes ? 0 : limits.maxHeaderBytes - bytesUsed - 2
            guard let line = try buffer.takeLine(maxLength: budget, tooLong: tooLarge) else {
                return false
            }
            bytesUsed += line.count + 2
            if bytesUsed > limits.maxHeaderBytes {
                throw HTTPParseError(tooLarge)
            }
            if line.isEmpty {
                return true
            }
            let bytes = buffer.bytes
            let field = try FieldLine.parse(bytes, line)
            let count = role == .headers ? headers.count : facts.trailerCount
            if count >= limits.maxHeaderCount {
                throw HTTPParseError(tooMany)
            }
            switch role {
            case .headers:
                facts.note(field, in: bytes)
                headers.fields.append(HTTPHeaders.Field(
                    name: String(decoding: bytes[field.name], as: UTF8.self),
                    value: String(decoding: bytes[field.value], as: UTF8.self)
                ))
            case .trailers:
                facts.trailerCount += 1
            }
        }
    }
}
