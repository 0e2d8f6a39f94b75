import HTTP

/// What one pass of the request decoder produced, with body slices joined per message.
struct RequestTrace: Equatable {
    var heads: [HTTPRequestHead] = []
    var bodies: [[UInt8]] = []
    var ends = 0
    var error: HTTPParseError?
}

enum RequestChecks {
    static func run(_ input: [UInt8]) {
        let whole = decode(input, pieces: input.isEmpty ? [] : [0..<input.count])
        var random = SplitRandom(input)
        let split = decode(input, pieces: random.pieces(covering: input.count))
        check(whole == split, "whole and split decoding differ: \(whole) vs \(split)")
        for head in whole.heads {
            checkRoundTrip(head)
        }
    }

    /// Decodes `input` appended piece by piece, checking event order and limits as it goes.
    static func decode(_ input: [UInt8], pieces: [Range<Int>]) -> RequestTrace {
        var decoder = HTTPRequestDecoder(limits: fuzzLimits)
        var trace = RequestTrace()
        var inMessage = false
        var expectedLength: Int?
        // Every event consumes bytes or ends a message, so this bounds a correct decoder.
        var budget = 4 * input.count + 16
        for piece in pieces {
            input[piece].withUnsafeBytes { decoder.append($0) }
            check(decoder.bufferedByteCount <= input.count, "buffered more than received")
            do throws(HTTPParseError) {
                while let event = try decoder.next() {
                    budget -= 1
                    check(budget > 0, "decoder does not make progress")
                    switch event {
                    case .head(let head):
                        check(!inMessage, "head inside a message")
                        checkHead(head)
                        inMessage = true
                        trace.heads.append(head)
                        trace.bodies.append([])
                        expectedLength = head.headers["Content-Length"].flatMap { Int($0.trimmingWhitespace) }
                    case .body(let bytes):
                        check(inMessage, "body outside a message")
                        check(!bytes.isEmpty, "empty body slice")
                        trace.bodies[trace.bodies.count - 1] += bytes
                        check(trace.bodies[trace.bodies.count - 1].count <= fuzzLimits.maxBodyBytes, "body over the limit")
                    case .end:
                        check(inMessage, "end outside a message")
                        if let expectedLength {
                            check(trace.bodies[trace.bodies.count - 1].count == expectedLength, "body length differs from Content-Length")
                        }
                        inMessage = false
                        trace.ends += 1
                    }
                }
            } catch {
                trace.error = error
                checkPoisoned(&decoder, error)
                return trace
            }
        }
        return trace
    }

    static func checkHead(_ head: HTTPRequestHead) {
        check(!head.method.isEmpty, "empty method")
        check(!head.target.isEmpty, "empty target")
        check(!head.target.utf8.contains(0x20), "space in target")
        check(head.headers.count <= fuzzLimits.maxHeaderCount, "too many headers")
        if head.version == .http1_1 {
            check(head.headers.values(for: "Host").count == 1, "HTTP/1.1 head without exactly one Host")
        }
        check(!(head.headers.contains("Content-Length") && head.headers.contains("Transfer-Encoding")), "CL with TE accepted")
        check(head.headers.values(for: "Content-Length").count <= 1, "several Content-Length accepted")
        for (name, value) in head.headers {
            check(!name.isEmpty && !name.utf8.contains(where: { $0 <= 0x20 || $0 == 0x3A || $0 >= 0x7F }), "bad field name \(name)")
            check(!value.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }), "control byte in value")
        }
        _ = head.path
        _ = head.query
        _ = head.keepAlive
        _ = head.expectsContinue
    }

    /// A decoded head, encoded and decoded again, is the same head.
    static func checkRoundTrip(_ head: HTTPRequestHead) {
        var headers = head.headers
        headers.remove(name: "Content-Length")
        headers.remove(name: "Transfer-Encoding")
        let plain = HTTPRequestHead(method: head.method, target: head.target, version: head.version, headers: headers)
        var buffer: [UInt8] = []
        HTTPEncoder.encode(plain, into: &buffer)
        var decoder = HTTPRequestDecoder(limits: HTTPLimits())
        decoder.append(buffer)
        do {
            let event = try decoder.next()
            check(event == .head(plain), "round trip changed the head: \(plain)")
        } catch {
            check(false, "round trip failed with \(error) for \(plain)")
        }
    }

    static func checkPoisoned(_ decoder: inout HTTPRequestDecoder, _ error: HTTPParseError) {
        check(!error.description.isEmpty, "empty description")
        check([400, 413, 414, 431, 505].contains(error.status), "unexpected status \(error.status)")
        check(!decoder.isIdle, "poisoned decoder reports idle")
        decoder.append([0x0D, 0x0A])
        do throws(HTTPParseError) {
            _ = try decoder.next()
            check(false, "poisoned decoder stopped throwing")
        } catch let again {
            check(again == error, "poisoned decoder threw a different error")
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        String(decoding: utf8.drop(while: { $0 == 0x20 || $0 == 0x09 }).reversed().drop(while: { $0 == 0x20 || $0 == 0x09 }).reversed(), as: UTF8.self)
    }
}
