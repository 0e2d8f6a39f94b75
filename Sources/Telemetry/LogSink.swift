import Synchronization

/// Where log lines go: a file descriptor (stdout, stderr) or a closure (tests).
///
/// Each line reaches the destination whole: descriptor sinks hold a lock across the write
/// loop, so lines from many threads never interleave even past `PIPE_BUF` or on partial writes.
public struct LogSink: Sendable {
    /// Receives one encoded line including its trailing `\n`.
    let writeLine: @Sendable ([UInt8]) -> Void

    /// A sink that hands each line, without its trailing newline, to `receive`.
    public init(lines receive: @escaping @Sendable (_ line: String) -> Void) {
        writeLine = { bytes in receive(String(decoding: bytes.dropLast(), as: UTF8.self)) }
    }

    private init(writer: FileDescriptorWriter) {
        writeLine = { bytes in writer.write(bytes) }
    }

    /// Writes one line (a trailing newline is added if missing).
    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        writeLine(bytes)
    }

    /// Standard output, shared by every logger so its lock covers them all.
    public static let standardOutput = LogSink(writer: FileDescriptorWriter(fd: 1))
    /// Standard error, shared likewise.
    public static let standardError = LogSink(writer: FileDescriptorWriter(fd: 2))

    /// Another descriptor (a log file opened with `O_APPEND`, a pipe). The caller keeps it open.
    public static func fileDescriptor(_ fd: Int32) -> LogSink {
        LogSink(writer: FileDescriptorWriter(fd: fd))
    }
}

/// Serialises whole-line writes to one descriptor.
final class FileDescriptorWriter: Sendable {
    private let fd: Int32
    private let lock = Mutex<Void>(())

    init(fd: Int32) {
        self.fd = fd
    }

    func write(_ bytes: [UInt8]) {
        lock.withLock { _ in
            // A dropped line (closed pipe, stalled reader) is not worth failing the request over.
            _ = bytes.withUnsafeBytes { SystemCalls.writeAll(fd, $0) }
        }
    }
}
