/// Why a gzip body could not be inflated or deflated.
///
/// The HTTP layer maps `.tooLarge` to 413 and `.corrupt` to 400 (SPEC §8).
public enum GzipError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The inflated output would exceed `limit` bytes; inflation stopped before allocating past it.
    case tooLarge(limit: Int)
    /// The input is not a complete, valid gzip stream (bad header, bad data, bad CRC, truncated, trailing bytes).
    case corrupt(String)
    /// A compression level outside `-1...9` was asked for.
    case invalidLevel(Int32)
    /// zlib could not allocate its internal state.
    case outOfMemory
    /// A zlib call failed in a way that means misuse or a broken library (`Z_STREAM_ERROR`, `Z_VERSION_ERROR`).
    case zlibFailure(call: String, code: Int32)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "gzip: inflated body exceeds \(limit) bytes"
        case .corrupt(let message): "gzip: corrupt stream: \(message)"
        case .invalidLevel(let level): "gzip: invalid compression level \(level) (expected -1...9)"
        case .outOfMemory: "gzip: zlib out of memory"
        case .zlibFailure(let call, let code): "gzip: \(call) failed with code \(code)"
        }
    }
}
