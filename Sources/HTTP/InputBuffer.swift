/// Bytes received but not yet decoded: one array with a read index, compacted
/// only when that is cheap relative to what was consumed.
///
/// Lines are searched incrementally: `scanned` remembers how far past
/// `readIndex` the search for LF already went, so a head that arrives a byte at
/// a time costs O(n) in total rather than O(n²).
struct InputBuffer: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var readIndex = 0
    /// Bytes after `readIndex` already known to hold no LF.
    private var scanned = 0

    /// Compaction moves the unread tail to the front; doing it only once at least
    /// this much was consumed (and at least half the array) keeps it amortised O(1).
    private static let compactionThreshold = 4096

    /// Bytes received but not yet consumed.
    var count: Int { bytes.count - readIndex }

    var isEmpty: Bool { readIndex == bytes.count }

    mutating func append(_ newBytes: UnsafeRawBufferPointer) {
        compactIfWorthwhile()
        bytes.append(contentsOf: newBytes)
    }

    mutating func append(_ newBytes: [UInt8]) {
        compactIfWorthwhile()
        if bytes.isEmpty {
            bytes = newBytes
        } else {
            bytes.append(contentsOf: newBytes)
        }
    }

    private mutating func compactIfWorthwhile() {
        guard readIndex > 0 else { return }
        if readIndex == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= Self.compactionThreshold, readIndex >= bytes.count - readIndex {
            bytes.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    /// A message's start line (request or status line): empty lines before it are
    /// skipped, at most `maxEmptyLines` per message (counted in `emptyLines`, which the
    /// caller resets when a message ends); nil when it has not fully arrived.
    mutating func takeStartLine(
        maxLength: Int, tooLong: HTTPParseError.Kind, emptyLines: inout Int, maxEmptyLines: Int
    ) throws(HTTPParseError) -> Range<Int>? {
        while let line = try takeLine(maxLength: maxLength, tooLong: tooLong) {
            guard line.isEmpty else { return line }
            emptyLines += 1
            if emptyLines > maxEmptyLines { throw HTTPParseError(.tooManyLeadingEmptyLines) }
        }
        return nil
    }

    /// The next line ending in CRLF, as the range of its content in ``bytes``
    /// (without the CRLF), consuming it; nil when no complete line is buffered yet.
    ///
    /// Throws `tooLong` once the line is known to exceed `maxLength` content bytes
    /// (even before its end arrives), and `.bareLF` for an LF without CR. A CR
    /// inside the returned range is the caller's to reject.
    mutating func takeLine(maxLength: Int, tooLong: HTTPParseError.Kind) throws(HTTPParseError) -> Range<Int>? {
        let available = bytes.count - readIndex
        let maxLength = max(0, maxLength)
        // A line within the limit has its LF at most maxLength + 1 bytes in.
        let reach = maxLength < available - 1 ? maxLength + 2 : available
        let searchStart = readIndex + min(scanned, reach)
        let searchEnd = readIndex + reach
        guard let lf = bytes[searchStart..<searchEnd].firstIndex(of: ByteClass.lf) else {
            if available - 2 >= maxLength {
                throw HTTPParseError(tooLong)
            }
            scanned = reach
            return nil
        }
        guard lf > readIndex, bytes[lf - 1] == ByteClass.cr else {
            throw HTTPParseError(.bareLF)
        }
        let line = readIndex..<(lf - 1)
        readIndex = lf + 1
        scanned = 0
        return line
    }

    /// Consumes up to `limit` bytes, appending them to `destination`; returns how many.
    mutating func move(upTo limit: Int, into destination: inout [UInt8]) -> Int {
        let n = min(limit, count)
        let slice = bytes[readIndex..<(readIndex + n)]
        if destination.isEmpty {
            destination = Array(slice)
        } else {
            destination.append(contentsOf: slice)
        }
        readIndex += n
        scanned = 0
        return n
    }

    /// The byte `offset` bytes past the read position, if buffered.
    func peek(_ offset: Int) -> UInt8? {
        let index = readIndex + offset
        return index < bytes.count ? bytes[index] : nil
    }

    mutating func skip(_ n: Int) {
        readIndex += min(n, count)
        scanned = 0
    }
}
