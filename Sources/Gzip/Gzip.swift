/// gzip (RFC 1952) compression of whole bodies over zlib, with a hard cap on inflated size.
public enum Gzip {
    /// Output is produced in chunks of this size, so memory tracks the actual output, never a guess.
    static let chunkSize = 64 * 1024
    /// zlib's `Z_BUF_ERROR`, reported when deflate cannot progress.
    static let bufferErrorCode: Int32 = -5

    /// Inflates a gzip body, refusing to produce more than `maxOutputBytes`.
    ///
    /// Concatenated gzip members (RFC 1952 §2.2) are inflated one after another; any other
    /// bytes after the last member, a truncated stream, or an empty input are `.corrupt`.
    /// Output is produced in bounded steps and the call throws `.tooLarge(limit:)` as soon as
    /// the output would pass the cap, so a zip bomb costs at most `maxOutputBytes` of memory.
    public static func inflate(_ input: [UInt8], maxOutputBytes: Int) throws(GzipError) -> [UInt8] {
        guard !input.isEmpty else { throw .corrupt("empty input") }
        let limit = max(0, maxOutputBytes)
        let inflater = try GzipInflater()
        var output: [UInt8] = []
        // Start small: the caller's cap is an upper bound, not an expected size.
        output.reserveCapacity(min(limit, max(chunkSize, input.count * 4)))
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var offset = 0

        let result: Result<Void, GzipError> = input.withUnsafeBytes { inputBytes in
            chunk.withUnsafeMutableBytes { chunkBytes in
                // Each pass consumes input or produces output, or ends the loop.
                while true {
                    // Ask for at most one byte past the cap: enough to know the cap is passed.
                    let remaining = limit - output.count
                    let room = remaining < chunkBytes.count ? remaining + 1 : chunkBytes.count
                    let progress = inflater.inflate(
                        input: UnsafeRawBufferPointer(rebasing: inputBytes[offset...]),
                        output: UnsafeMutableRawBufferPointer(rebasing: chunkBytes[..<room])
                    )
                    offset += progress.consumed
                    if output.count + progress.produced > limit { return .failure(.tooLarge(limit: limit)) }
                    append(chunkBytes[..<progress.produced], to: &output, limit: limit)

                    switch progress.step {
                    case .progressed:
                        continue
                    case .streamEnd:
                        if offset == inputBytes.count { return .success(()) }
                        guard startsGzipMember(inputBytes[offset...]) else {
                            return .failure(.corrupt("trailing bytes after gzip stream"))
                        }
                        do throws(GzipError) { try inflater.reset() } catch { return .failure(error) }
                    case .stalled:
                        // Output space was offered, so a stall means the input ran out mid-stream.
                        return .failure(.corrupt("truncated stream"))
                    case .dataError(let message):
                        return .failure(.corrupt(message))
                    case .memoryError:
                        return .failure(.outOfMemory)
                    case .failure(let code):
                        return .failure(.zlibFailure(call: "inflate", code: code))
                    }
                }
            }
        }
        try result.get()
        return output
    }

    /// Compresses `input` into a single gzip member at `level` (`-1` default, `0` store ... `9` best).
    public static func deflate(_ input: [UInt8], level: Int32 = 6) throws(GzipError) -> [UInt8] {
        let deflater = try GzipDeflater(level: level)
        var output = [UInt8](repeating: 0, count: deflater.bound(for: input.count))
        var produced = 0
        var offset = 0

        let result: Result<Void, GzipError> = input.withUnsafeBytes { inputBytes in
            output.withUnsafeMutableBytes { outputBytes in
                // deflateBound guarantees room for everything, so each pass makes progress
                // (inputs past 4 GiB take several passes because zlib counts in UInt32).
                while true {
                    let remaining = inputBytes.count - offset
                    let progress = deflater.deflate(
                        input: UnsafeRawBufferPointer(rebasing: inputBytes[offset...]),
                        output: UnsafeMutableRawBufferPointer(rebasing: outputBytes[produced...]),
                        finish: remaining <= Int(UInt32.max)
                    )
                    offset += progress.consumed
                    produced += progress.produced
                    switch progress.step {
                    case .streamEnd:
                        return .success(())
                    case .progressed:
                        continue
                    case .memoryError:
                        return .failure(.outOfMemory)
                    case .failure(let code):
                        return .failure(.zlibFailure(call: "deflate", code: code))
                    case .stalled, .dataError:
                        // Impossible with deflateBound's room; reported rather than looped on.
                        return .failure(.zlibFailure(call: "deflate", code: Self.bufferErrorCode))
                    }
                }
            }
        }
        try result.get()
        output.removeSubrange(produced...)
        return output
    }

    /// Whether `bytes` begin with the gzip magic number `1f 8b`.
    static func startsGzipMember(_ bytes: Slice<UnsafeRawBufferPointer>) -> Bool {
        // A lone first byte may be the start of a member cut short; let zlib call it truncated.
        guard let first = bytes.first, first == 0x1f else { return false }
        return bytes.count == 1 || bytes[bytes.startIndex + 1] == 0x8b
    }

    /// Appends produced bytes, growing capacity geometrically but never past `limit`.
    private static func append(
        _ bytes: Slice<UnsafeMutableRawBufferPointer>,
        to output: inout [UInt8],
        limit: Int
    ) {
        guard !bytes.isEmpty else { return }
        let needed = output.count + bytes.count
        if needed > output.capacity {
            output.reserveCapacity(min(limit, max(needed, output.capacity * 2)))
        }
        output.append(contentsOf: bytes)
    }
}
