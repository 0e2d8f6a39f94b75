/// What the body reader produced: some body bytes, or the end of the message.
enum BodyEvent: Equatable {
    case body([UInt8])
    case end
}

/// Reads one message body (fixed length, chunked, or until close) from the
/// buffer, handing over as many bytes as are buffered in each slice.
struct BodyReader: Sendable {
    enum State: Equatable {
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case finished
    }

    private(set) var state: State
    private var chunkedTotal = 0
    private var trailers = FieldSection()

    init(framing: FramingFacts.Framing) {
        switch framing {
        case .noBody: state = .finished
        case .length(let length): state = .fixed(remaining: length)
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
    }

    /// The next body slice or the end; nil when more bytes are needed. With
    /// `peerClosed`, a body delimited by close ends and any other one is truncated.
    mutating func next(from buffer: inout InputBuffer, limits: HTTPLimits, peerClosed: Bool) throws(HTTPParseError) -> BodyEvent? {
        while true {
            switch state {
            case .finished:
                return .end

            case .fixed(let remaining):
                if remaining == 0 {
                    state = .finished
                    return .end
                }
                guard !buffer.isEmpty else { return try needMore(peerClosed) }
                let slice = buffer.take(upTo: remaining)
                state = .fixed(remaining: remaining - slice.count)
                return .body(slice)

            case .chunkSize:
                guard let line = try buffer.takeLine(maxLength: limits.maxChunkLineBytes, tooLong: .chunkLineTooLong) else {
                    return try needMore(peerClosed)
                }
                let size = try ChunkSizeLine.parse(buffer.bytes, line)
                if size == 0 {
                    state = .trailers
                    continue
                }
                // chunkedTotal never exceeds maxBodyBytes, so the subtraction cannot overflow.
                if size > limits.maxBodyBytes - chunkedTotal {
                    throw HTTPParseError(.bodyTooLarge)
                }
                chunkedTotal += size
                state = .chunkData(remaining: size)

            case .chunkData(let remaining):
                guard !buffer.isEmpty else { return try needMore(peerClosed) }
                let slice = buffer.take(upTo: remaining)
                let left = remaining - slice.count
                state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
                return .body(slice)

            case .chunkDataEnd:
                guard let cr = buffer.peek(0) else { return try needMore(peerClosed) }
                guard cr == ByteClass.cr else { throw HTTPParseError(.missingChunkCRLF) }
                guard let lf = buffer.peek(1) else { return try needMore(peerClosed) }
                guard lf == ByteClass.lf else { throw HTTPParseError(.missingChunkCRLF) }
                buffer.skip(2)
                state = .chunkSize

            case .trailers:
                guard try trailers.read(from: &buffer, limits: limits, role: .trailers) else {
                    return try needMore(peerClosed)
                }
                state = .finished
                return .end

            case .untilClose:
                if !buffer.isEmpty {
                    return .body(buffer.take(upTo: buffer.count))
                }
                guard peerClosed else { return nil }
                state = .finished
                return .end
            }
        }
    }

    private func needMore(_ peerClosed: Bool) throws(HTTPParseError) -> BodyEvent? {
        if peerClosed { throw HTTPParseError(.truncated) }
        return nil
    }
}
