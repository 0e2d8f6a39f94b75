/// Writes heads and chunks in HTTP/1.1 wire format into a caller-owned buffer,
/// so one response can be built with one allocation.
///
/// Headers are written exactly as given: callers pass names and values that are
/// already valid (decoded by this module, or constants), since no escaping exists.
public enum HTTPEncoder {
    private static let crlf: [UInt8] = [ByteClass.cr, ByteClass.lf]

    /// The status line, the header fields and the empty line.
    public static func encode(_ head: HTTPResponseHead, into buffer: inout [UInt8]) {
        appendVersion(head.version, into: &buffer)
        buffer.append(ByteClass.space)
        appendDecimal(head.status, into: &buffer)
        buffer.append(ByteClass.space)
        buffer.append(contentsOf: head.reason.utf8)
        buffer.append(contentsOf: crlf)
        appendFields(head.headers, into: &buffer)
    }

    /// The request line, the header fields and the empty line.
    public static func encode(_ head: HTTPRequestHead, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: head.method.utf8)
        buffer.append(ByteClass.space)
        buffer.append(contentsOf: head.target.utf8)
        buffer.append(ByteClass.space)
        appendVersion(head.version, into: &buffer)
        buffer.append(contentsOf: crlf)
        appendFields(head.headers, into: &buffer)
    }

    /// One chunk: hex size, CRLF, the data, CRLF. Empty input writes nothing,
    /// since an empty chunk would end the body.
    public static func encodeChunk(_ bytes: some Collection<UInt8>, into buffer: inout [UInt8]) {
        let count = bytes.count
        guard count > 0 else { return }
        appendHex(count, into: &buffer)
        buffer.append(contentsOf: crlf)
        buffer.append(contentsOf: bytes)
        buffer.append(contentsOf: crlf)
    }

    /// The last chunk with no trailers: `0\r\n\r\n`.
    public static func encodeLastChunk(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: [UInt8(ascii: "0"), ByteClass.cr, ByteClass.lf, ByteClass.cr, ByteClass.lf])
    }

    private static func appendVersion(_ version: HTTPVersion, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: "HTTP/1.".utf8)
        buffer.append(version.minorDigit)
    }

    private static func appendFields(_ headers: HTTPHeaders, into buffer: inout [UInt8]) {
        for field in headers.fields {
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(ByteClass.colon)
            buffer.append(ByteClass.space)
            buffer.append(contentsOf: field.value.utf8)
            buffer.append(contentsOf: crlf)
        }
        buffer.append(contentsOf: crlf)
    }

    /// Decimal digits of a non-negative number without going through `String`.
    static func appendDecimal(_ value: Int, into buffer: inout [UInt8]) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            appendDecimal(UInt(value.magnitude), into: &buffer)
        } else {
            appendDecimal(UInt(value), into: &buffer)
        }
    }

    private static func appendDecimal(_ value: UInt, into buffer: inout [UInt8]) {
        var divisor: UInt = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    private static func appendHex(_ value: Int, into buffer: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        var shift = (UInt.bitWidth - UInt(value).leadingZeroBitCount + 3) / 4 * 4 - 4
        let magnitude = UInt(value)
        digits.withUTF8Buffer { table in
            while shift >= 0 {
                buffer.append(table[Int((magnitude >> UInt(shift)) & 0xF)])
                shift -= 4
            }
        }
    }
}
