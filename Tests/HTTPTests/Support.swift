import HTTP
import Testing

/// The bytes of a literal, so tests read like the wire.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// Everything a request decoder produced from some input, and how it stopped.
struct RequestOutcome {
    var events: [HTTPRequestEvent] = []
    var error: HTTPParseError?

    var heads: [HTTPRequestHead] {
        events.compactMap { if case .head(let head) = $0 { head } else { nil } }
    }

    /// The body of each message, slices joined.
    var bodies: [[UInt8]] {
        var result: [[UInt8]] = []
        var current: [UInt8]?
        for event in events {
            switch event {
            case .head: current = []
            case .body(let slice): current?.append(contentsOf: slice)
            case .end:
                if let done = current { result.append(done) }
                current = nil
            }
        }
        return result
    }

    var endCount: Int {
        events.count(where: { $0 == .end })
    }
}

/// Feeds `input` in pieces of `pieceSize` bytes, draining events after each piece.
func decodeRequests(_ input: [UInt8], pieceSize: Int = Int.max, limits: HTTPLimits = HTTPLimits()) -> RequestOutcome {
    var decoder = HTTPRequestDecoder(limits: limits)
    var outcome = RequestOutcome()
    var offset = 0
    repeat {
        let end = min(input.count, offset + min(pieceSize, input.count - offset))
        decoder.append(Array(input[offset..<end]))
        offset = end
        do throws(HTTPParseError) {
            while let event = try decoder.next() {
                outcome.events.append(event)
            }
        } catch {
            outcome.error = error
            return outcome
        }
    } while offset < input.count
    return outcome
}

func decodeRequests(_ text: String, pieceSize: Int = Int.max, limits: HTTPLimits = HTTPLimits()) -> RequestOutcome {
    decodeRequests(bytes(text), pieceSize: pieceSize, limits: limits)
}

/// Expects `text` to be rejected with `kind` (and its status), fed whole and a byte at a time.
func expectRejected(
    _ text: String,
    _ kind: HTTPParseError.Kind,
    status: Int = 400,
    limits: HTTPLimits = HTTPLimits(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectRejected(bytes(text), kind, status: status, limits: limits, sourceLocation: sourceLocation)
}

func expectRejected(
    _ input: [UInt8],
    _ kind: HTTPParseError.Kind,
    status: Int = 400,
    limits: HTTPLimits = HTTPLimits(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for pieceSize in [Int.max, 1] {
        let outcome = decodeRequests(input, pieceSize: pieceSize, limits: limits)
        #expect(outcome.error?.kind == kind, "piece size \(pieceSize)", sourceLocation: sourceLocation)
        #expect(outcome.error?.status == status, "piece size \(pieceSize)", sourceLocation: sourceLocation)
    }
}

/// Expects `text` to decode without error into exactly one complete request, and returns it.
@discardableResult
func expectOneRequest(
    _ text: String,
    limits: HTTPLimits = HTTPLimits(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> (head: HTTPRequestHead?, body: [UInt8]) {
    let whole = decodeRequests(text, limits: limits)
    let byteWise = decodeRequests(text, pieceSize: 1, limits: limits)
    #expect(whole.error == nil, sourceLocation: sourceLocation)
    #expect(byteWise.error == nil, sourceLocation: sourceLocation)
    #expect(whole.heads.count == 1, sourceLocation: sourceLocation)
    #expect(whole.endCount == 1, sourceLocation: sourceLocation)
    #expect(byteWise.heads == whole.heads, sourceLocation: sourceLocation)
    #expect(byteWise.bodies == whole.bodies, sourceLocation: sourceLocation)
    return (whole.heads.first, whole.bodies.first ?? [])
}

/// Everything a response decoder produced.
struct ResponseOutcome {
    var events: [HTTPResponseEvent] = []
    var error: HTTPParseError?

    var heads: [HTTPResponseHead] {
        events.compactMap { if case .head(let head) = $0 { head } else { nil } }
    }

    var body: [UInt8] {
        var result: [UInt8] = []
        for case .body(let slice) in events {
            result += slice
        }
        return result
    }
}

/// Decodes responses to `methods` from `text`, optionally then signalling the peer's close.
func decodeResponses(
    _ text: String,
    methods: [String] = ["GET"],
    pieceSize: Int = Int.max,
    close: Bool = false,
    limits: HTTPLimits = HTTPLimits(maxBodyBytes: Int.max)
) -> ResponseOutcome {
    var decoder = HTTPResponseDecoder(limits: limits)
    for method in methods {
        decoder.expectResponse(toMethod: method)
    }
    var outcome = ResponseOutcome()
    let input = bytes(text)
    var offset = 0
    do throws(HTTPParseError) {
        repeat {
            let end = min(input.count, offset + min(pieceSize, input.count - offset))
            decoder.append(Array(input[offset..<end]))
            offset = end
            while let event = try decoder.next() {
                outcome.events.append(event)
            }
        } while offset < input.count
        if close {
            while let event = try decoder.finishOnClose() {
                outcome.events.append(event)
            }
        }
    } catch {
        outcome.error = error
    }
    return outcome
}
