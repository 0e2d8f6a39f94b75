#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Every libc call of the Identity module: reading the JWKS file, the wall clock, and
// parsing the address literals of a `Host` header.
// Wrappers retry EINTR here and turn errno into `SystemCallError`.

/// A failed libc call with its errno, rendered with `strerror`.
struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    let call: String
    let errno: Int32

    var description: String { "\(call): \(String(cString: strerror(errno)))" }
}

enum SystemCalls {
    /// Reads a whole regular file of at most `limit` bytes: `open(O_RDONLY|O_CLOEXEC)`,
    /// `fstat`, then `read` until end of file. Returns `.tooLarge` past `limit`.
    static func readFile(path: String, limit: Int) -> Result<FileContents, SystemCallError> {
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { return .failure(SystemCallError(call: "open", errno: errno)) }
        defer { _ = close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(SystemCallError(call: "fstat", errno: errno)) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { return .failure(SystemCallError(call: "open", errno: EISDIR)) }
        if Int(status.st_size) > limit { return .success(.tooLarge(Int(status.st_size))) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(SystemCallError(call: "read", errno: errno))
            }
            if count == 0 { return .success(.bytes(bytes)) }
            bytes.append(contentsOf: chunk[0..<count])
            // The file may have grown since fstat.
            if bytes.count > limit { return .success(.tooLarge(bytes.count)) }
        }
    }

    /// Wraps `clock_gettime(CLOCK_REALTIME)`: whole seconds since the Unix epoch.
    static func unixSeconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }

    /// Wraps `inet_pton(AF_INET)`: the 4 bytes of a dotted-decimal IPv4 literal, else nil.
    /// glibc's parser takes exactly four decimal parts, so `127.1` or `0x7f.0.0.1` are not addresses.
    static func ipv4Address(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// Wraps `inet_pton(AF_INET6)`: the 16 bytes of an IPv6 literal (no brackets), else nil.
    static func ipv6Address(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}

/// What `SystemCalls.readFile` found.
enum FileContents: Equatable {
    case bytes([UInt8])
    /// The file's size, past the limit; nothing was kept.
    case tooLarge(Int)
}

/// The wall clock in whole seconds since the Unix epoch, the unit of JWT `exp`/`nbf`/`iat`.
public enum UnixClock {
    /// Now, from `clock_gettime(CLOCK_REALTIME)`.
    public static func now() -> Int64 {
        SystemCalls.unixSeconds()
    }
}
