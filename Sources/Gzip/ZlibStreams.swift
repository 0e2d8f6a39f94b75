import CZlib

// Every zlib call of the module lives in this file: thin owners of a
// `z_stream` that translate return codes into `ZlibStep` or `GzipError`.

/// zlib's gzip framing: 15-bit window, +16 selects the gzip header/trailer (RFC 1952).
private let gzipWindowBits: Int32 = 15 + 16
/// zlib's default memory level for deflate.
private let defaultMemLevel: Int32 = 8

/// The outcome of one `inflate`/`deflate` call.
enum ZlibStep: Equatable {
    /// Bytes were consumed or produced; call again.
    case progressed
    /// The end of the (gzip member) stream was reached.
    case streamEnd
    /// No progress was possible: more input (or output space) is needed (`Z_BUF_ERROR`).
    case stalled
    /// The data is invalid (`Z_DATA_ERROR`, `Z_NEED_DICT`), with zlib's message.
    case dataError(String)
    /// `Z_MEM_ERROR`.
    case memoryError
    /// Any other code (`Z_STREAM_ERROR`: state clobbered or bad flush value).
    case failure(Int32)
}

/// One step's effect: how much of the input was used and how much output was written.
struct ZlibProgress {
    var consumed: Int
    var produced: Int
    var step: ZlibStep
}

/// Owns a heap-allocated `z_stream` set up for gzip inflation.
///
/// Heap-allocated because zlib keeps a back-pointer to the stream and rejects it if it moves.
struct GzipInflater: ~Copyable {
    private let stream: UnsafeMutablePointer<z_stream>

    /// Wraps `inflateInit2_` (the `inflateInit2` macro) with gzip-only framing.
    init() throws(GzipError) {
        // Set up in a local: `deinit` must only ever see a stream that init succeeded on.
        let fresh = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        fresh.initialize(to: z_stream())
        let code = inflateInit2_(fresh, gzipWindowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else {
            fresh.deallocate()
            throw code == Z_MEM_ERROR ? .outOfMemory : .zlibFailure(call: "inflateInit2_", code: code)
        }
        stream = fresh
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Wraps `inflateReset`: ready for the next gzip member without reallocating the window.
    func reset() throws(GzipError) {
        let code = inflateReset(stream)
        guard code == Z_OK else { throw .zlibFailure(call: "inflateReset", code: code) }
    }

    /// Wraps one `inflate(Z_NO_FLUSH)` call.
    func inflate(
        input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) -> ZlibProgress {
        let code = zlibRun(stream, input: input, output: output) { CZlib.inflate($0, Z_NO_FLUSH) }
        let step: ZlibStep
        switch code.result {
        case Z_OK: step = .progressed
        case Z_STREAM_END: step = .streamEnd
        case Z_BUF_ERROR: step = .stalled
        case Z_DATA_ERROR, Z_NEED_DICT: step = .dataError(lastMessage(default: "invalid data"))
        case Z_MEM_ERROR: step = .memoryError
        default: step = .failure(code.result)
        }
        return ZlibProgress(consumed: code.consumed, produced: code.produced, step: step)
    }

    private func lastMessage(default fallback: String) -> String {
        guard let message = stream.pointee.msg else { return fallback }
        return String(cString: message)
    }
}

/// Owns a heap-allocated `z_stream` set up for gzip deflation.
struct GzipDeflater: ~Copyable {
    private let stream: UnsafeMutablePointer<z_stream>

    /// Wraps `deflateInit2_` (the `deflateInit2` macro) with gzip framing and the default strategy.
    init(level: Int32) throws(GzipError) {
        guard (-1...9).contains(level) else { throw .invalidLevel(level) }
        let fresh = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        fresh.initialize(to: z_stream())
        let code = deflateInit2_(
            fresh, level, Z_DEFLATED, gzipWindowBits, defaultMemLevel, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)
        )
        guard code == Z_OK else {
            fresh.deallocate()
            throw code == Z_MEM_ERROR ? .outOfMemory : .zlibFailure(call: "deflateInit2_", code: code)
        }
        stream = fresh
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Wraps `deflateBound`: the most output deflating `count` bytes with `Z_FINISH` can produce.
    func bound(for count: Int) -> Int {
        Int(deflateBound(stream, UInt(count)))
    }

    /// Wraps one `deflate` call; `finish` selects `Z_FINISH` over `Z_NO_FLUSH`.
    func deflate(
        input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer,
        finish: Bool
    ) -> ZlibProgress {
        let flush = finish ? Z_FINISH : Z_NO_FLUSH
        let code = zlibRun(stream, input: input, output: output) { CZlib.deflate($0, flush) }
        let step: ZlibStep
        switch code.result {
        case Z_OK: step = .progressed
        case Z_STREAM_END: step = .streamEnd
        case Z_BUF_ERROR: step = .stalled
        case Z_MEM_ERROR: step = .memoryError
        default: step = .failure(code.result)
        }
        return ZlibProgress(consumed: code.consumed, produced: code.produced, step: step)
    }
}

/// Points the stream at `input`/`output` (each capped at `UInt32.max`, zlib's `uInt`), runs `call`,
/// and reports how much was consumed and produced.
private func zlibRun(
    _ stream: UnsafeMutablePointer<z_stream>,
    input: UnsafeRawBufferPointer,
    output: UnsafeMutableRawBufferPointer,
    _ call: (UnsafeMutablePointer<z_stream>) -> Int32
) -> (result: Int32, consumed: Int, produced: Int) {
    let inCount = UInt32(clamping: input.count)
    let outCount = UInt32(clamping: output.count)
    // zlib never writes through next_in; the C declaration just lacks `const`.
    stream.pointee.next_in = UnsafeMutablePointer(
        mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self)
    )
    stream.pointee.avail_in = inCount
    stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_out = outCount
    let result = call(stream)
    let consumed = Int(inCount - stream.pointee.avail_in)
    let produced = Int(outCount - stream.pointee.avail_out)
    stream.pointee.next_in = nil
    stream.pointee.next_out = nil
    stream.pointee.avail_in = 0
    stream.pointee.avail_out = 0
    return (result, consumed, produced)
}
