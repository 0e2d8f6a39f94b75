import HTTP

/// What one pass of the response decoder produced.
struct ResponseTrace: Equatable {
    var heads: [HTTPResponseHead] = []
    var bodies: [[UInt8]] = []
    var ends = 0
    var error: HTTPParseError?
}

enum ResponseChecks {
    static func run(_ input: [UInt8]) {
        var random = SplitRandom(input)
        // The requests these are responses to: mostly GET, some HEAD.
        let methods = (0..<4).map { _ in random.next() % 3 == 0 ? "HEAD" : "GET" }
        let whole = decode(input, pieces: input.isEmpty ? [] : [0..<input.count], methods: methods)
        let split = decode(input, pieces: random.pieces(covering: input.count), methods: methods)
        check(whole == split, "whole and split response decoding differ: \(whole) vs \(split)")
    }

    static func decode(_ input: [UInt8], pieces: [Range<Int>], methods: [String]) -> ResponseTrace {
        var decoder = HTTPResponseDecoder(limits: fuzzLimits)
        for method in methods {
            decoder.expectResponse(toMethod: method)
        }
        var trace = ResponseTrace()
        var state = Order()
        var budget = 4 * input.count + 16
        do throws(HTTPParseError) {
            for piece in pieces {
                decoder.append(Array(input[piece]))
                while let event = try decoder.next() {
                    budget -= 1
                    check(budget > 0, "response decoder does not make progress")
                    state.observe(event, into: &trace)
                }
            }
            while let event = try decoder.finishOnClose() {
                budget -= 1
                check(budget > 0, "response decoder does not make progress after close")
                state.observe(event, into: &trace)
            }
            check(!state.inBody, "close left a message open")
            check(decoder.bufferedByteCount == 0, "clean close with bytes left")
        } catch {
            trace.error = error
            check([400, 413, 414, 431, 505].contains(error.status), "unexpected status \(error.status)")
        }
        return trace
    }

    /// Interim heads, then a final head, its body slices and its end.
    struct Order {
        var inBody = false
        var responseIndex = 0

        mutating func observe(_ event: HTTPResponseEvent, into trace: inout ResponseTrace) {
            switch event {
            case .head(let head):
                check(!inBody, "head inside a response body")
                check((100...599).contains(head.status), "status out of range")
                trace.heads.append(head)
                if head.status >= 200 {
                    inBody = true
                    trace.bodies.append([])
                }
            case .body(let bytes):
                check(inBody, "body outside a response")
                check(!bytes.isEmpty, "empty body slice")
                trace.bodies[trace.bodies.count - 1] += bytes
                check(trace.bodies[trace.bodies.count - 1].count <= fuzzLimits.maxBodyBytes, "response body over the limit")
            case .end:
                check(inBody, "end outside a response")
                inBody = false
                trace.ends += 1
            }
        }
    }
}
