/// Base64url without padding (RFC 4648 §5, as JWS uses it: RFC 7515 §2).
///
/// Decoding is strict: only `A–Z a–z 0–9 - _`, no `=` padding, no whitespace, no
/// length that cannot come from an encoder, and unused trailing bits must be zero, so
/// every byte string has exactly one accepted encoding (a token cannot be altered
/// without changing the bytes that were signed or cached).
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Each byte's 6-bit value, or 0xFF for a byte outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()

    /// Encodes `bytes` as unpadded base64url.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
            output.append(alphabet[Int(chunk & 0x3F)])
            index += 3
        }
        let remaining = input.count - index
        if remaining == 1 {
            let chunk = UInt32(input[index]) << 16
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
        } else if remaining == 2 {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes unpadded base64url text (pass `string.utf8` or a slice of token bytes).
    public static func decode(_ text: some Collection<UInt8>) throws(Base64URLError) -> [UInt8] {
        let result = text.withContiguousStorageIfAvailable { decode(buffer: $0) }
            ?? Array(text).withUnsafeBufferPointer { decode(buffer: $0) }
        return try result.get()
    }

    private static func decode(buffer: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], Base64URLError> {
        let count = buffer.count
        // Read the table once: a `static let` behind a lazy-init check on every byte shows in profiles.
        let table = values
        var failure: Base64URLError?
        let output = [UInt8](unsafeUninitializedCapacity: count * 3 / 4) { output, written in
            var accumulator: UInt32 = 0
            var bitCount: UInt32 = 0
            var length = 0
            for offset in 0..<count {
                let character = buffer[offset]
                let value = table[Int(character)]
                guard value != 0xFF else {
                    failure = character == UInt8(ascii: "=") ? .padding(offset: offset) : .invalidCharacter(offset: offset)
                    break
                }
                accumulator = accumulator << 6 | UInt32(value)
                bitCount += 6
                if bitCount >= 8 {
                    bitCount -= 8
                    output[length] = UInt8(truncatingIfNeeded: accumulator >> bitCount)
                    length += 1
                    accumulator &= (1 << bitCount) - 1
                }
            }
            written = failure == nil ? length : 0
            guard failure == nil else { return }
            // 4n+1 characters carry 6 bits past a whole byte: no encoder produces that.
            if count % 4 == 1 {
                failure = .impossibleLength(count)
            } else if accumulator != 0 {
                failure = .nonZeroTrailingBits
            }
        }
        if let failure { return .failure(failure) }
        return .success(output)
    }
}

/// Why a base64url segment was refused.
public enum Base64URLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A byte outside `A–Z a–z 0–9 - _` (e.g. `+`, `/`, whitespace) at this offset.
    case invalidCharacter(offset: Int)
    /// `=` padding, which JWS forbids, at this offset.
    case padding(offset: Int)
    /// A length of the form 4n+1, which no encoder produces.
    case impossibleLength(Int)
    /// The bits past the last whole byte are not zero (a non-canonical encoding).
    case nonZeroTrailingBits

    public var description: String {
        switch self {
        case .invalidCharacter(let offset): "invalid base64url character at offset \(offset)"
        case .padding(let offset): "base64url padding '=' at offset \(offset) (JWS forbids padding)"
        case .impossibleLength(let count): "base64url length \(count) is impossible"
        case .nonZeroTrailingBits: "non-canonical base64url (trailing bits not zero)"
        }
    }
}
