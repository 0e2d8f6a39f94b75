import HTTP

/// libFuzzer entry point: every input is decoded as a stream of requests and
/// as a stream of responses, each whole and in pseudo-random pieces derived
/// from the input, and the results are checked against the decoders' contract.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    RequestChecks.run(input)
    ResponseChecks.run(input)
    return 0
}

/// Small limits so the fuzzer reaches every limit path with short inputs.
let fuzzLimits = HTTPLimits(
    maxRequestLineBytes: 128,
    maxHeaderBytes: 512,
    maxHeaderCount: 12,
    maxBodyBytes: 1024,
    maxChunkLineBytes: 48,
    maxLeadingEmptyLines: 3
)

/// SplitMix64 seeded from the input, so splits are reproducible per input.
struct SplitRandom {
    private var state: UInt64

    init(_ input: [UInt8]) {
        // FNV-1a over the input.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in input {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        state = hash
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Piece sizes that cover `count` bytes: mostly tiny, sometimes larger.
    mutating func pieces(covering count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var offset = 0
        while offset < count {
            let roll = next()
            let length = roll % 4 == 0 ? Int((roll >> 8) % 256) + 1 : Int((roll >> 8) % 4) + 1
            let end = min(count, offset + length)
            ranges.append(offset..<end)
            offset = end
        }
        return ranges
    }
}

/// A contract violation: crash so libFuzzer records the input.
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
    if !condition() {
        fatalError("fuzz invariant violated: \(message())", file: file, line: line)
    }
}
