/// What the body reader produced: some body bytes, or the end of the message.
enum BodyEvent: Equatable {
    case body([UInt8])
    case end
}

/// Reads one message body (fixed length, chunked, or until close) from the
/// buffer, handing over everything buffered as one slice.
///
/// Chunk boundaries do not cut slices: data of consecutive chunks already
/// buffered is joined, so a body sent as many tiny chunks costs one event per
/// read, not one per chunk. An error found after some data was collected is
/// held back until that data has been handed over.
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

    private enum Step {
        case progressed
        case needMore
        case end
    }

    private(set) var state: State
    private var chunkedTotal = 0
    private var trailers = FieldSection()
    private var deferredError: HTTPParseError?

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
        if let deferredError { throw deferredError }
        var collected: [UInt8] = []
        while true {
            let step: Step
            do throws(HTTPParseError) {
                step = try advance(from: &buffer, limits: limits, into: &collected)
            } catch {
                guard collected.isEmpty else {
                    deferredError = error
                    return .body(collected)
                }
                throw error
            }
            switch step {
            case .progressed:
                continue
            case .needMore:
                if !collected.isEmpty { return .body(collected) }
                guard peerClosed else { return nil }
                guard state == .untilClose else { throw HTTPParseError(.truncated) }
                state = .finished
                return .end
            case .end:
                // The end comes on the next call, after the data.
                return collected.isEmpty ? .end : .body(collected)
            }
        }
    }

    /// One step of the body state machine: moves data into `collected`, or
    /// consumes framing bytes, or reports that it needs more or the body ended.
    private mutating func advance(from buffer: inout InputBuffer, limits: HTTPLimits, into collected: inout [UInt8]) throws(HTTPParseError) -> Step {
        switch state {
        case .finished:
            return .end

        case .fixed(let remaining):
            if remaining == 0 {
                state = .finished
                return .end
            }
            guard !buffer.isEmpty else { return .needMore }
            state = .fixed(remaining: remaining - buffer.move(upTo: remaining, into: &collected))
            return .progressed

        case .chunkSize:
            guard let line = try buffer.takeLine(maxLength: limits.maxChunkLineBytes, tooLong: .chunkLineTooLong) else {
                return .needMore
            }
            let size = try ChunkSizeLine.parse(buffer.bytes, line)
            if size == 0 {
                state = .trailers
                return .progressed
            }
            // chunkedTotal never exceeds maxBodyBytes, so the subtraction cannot overflow.
            if size > limits.maxBodyBytes - chunkedTotal {
                throw HTTPParseError(.bodyTooLarge)
            }
            chunkedTotal += size
            state = .chunkData(remaining: size)
            return .progressed

        case .chunkData(let remaining):
            guard !buffer.isEmpty else { return .needMore }
            let left = remaining - buffer.move(upTo: remaining, into: &collected)
            state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
            return .progressed

        case .chunkDataEnd:
            guard let cr = buffer.peek(0) else { return .needMore }
            guard cr == ByteClass.cr else { throw HTTPParseError(.missingChunkCRLF) }
            guard let lf = buffer.peek(1) else { return .needMore }
            guard lf == ByteClass.lf else { throw HTTPParseError(.missingChunkCRLF) }
            buffer.skip(2)
            state = .chunkSize
            return .progressed

        case .trailers:
            guard try trailers.read(from: &buffer, limits: limits, role: .trailers) else {
                return .needMore
            }
            state = .finished
            return .end

        case .untilClose:
            guard !buffer.isEmpty else { return .needMore }
            _ = buffer.move(upTo: buffer.count, into: &collected)
            return .progressed
        }
    }
}
