import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// Every libpq call the client makes, as thin wrappers (one place to read
/// what C we call). A `PGconn` is confined to its connection thread; nothing
/// here is called from elsewhere except `cancel`, which libpq documents as
/// thread-safe.
enum LibPQ {
    typealias Connection = OpaquePointer
    typealias Result = OpaquePointer

    /// Wraps `PQconnectdbParams` with `expand_dbname = 1`: a `dbname` value that
    /// is a URI or `key=value` string is expanded, so both `DATABASE_URL` forms work.
    /// Blocks up to `connect_timeout`; called only on a connection thread.
    static func connect(_ parameters: [(String, String)]) -> Connection? {
        var keywords = parameters.map { strdup($0.0) }
        var values = parameters.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        keywords.append(nil)
        values.append(nil)
        return keywords.withUnsafeBufferPointer { k in
            values.withUnsafeBufferPointer { v in
                k.withMemoryRebound(to: UnsafePointer<CChar>?.self) { kc in
                    v.withMemoryRebound(to: UnsafePointer<CChar>?.self) { vc in
                        PQconnectdbParams(kc.baseAddress, vc.baseAddress, 1)
                    }
                }
            }
        }
    }

    /// Wraps `PQconninfoParse`: nil when libpq accepts `conninfo`, else its message.
    static func validate(conninfo: String) -> String? {
        var message: UnsafeMutablePointer<CChar>?
        let options = PQconninfoParse(conninfo, &message)
        defer {
            if let options { PQconninfoFree(options) }
            if let message { PQfreemem(message) }
        }
        if options != nil { return nil }
        return message.map { String(cString: $0).trimmingTrailingWhitespace() } ?? "invalid connection string"
    }

    static func isOK(_ conn: Connection) -> Bool { PQstatus(conn) == CONNECTION_OK }

    static func errorMessage(_ conn: Connection) -> String {
        guard let text = PQerrorMessage(conn) else { return "" }
        return String(cString: text).trimmingTrailingWhitespace()
    }

    static func finish(_ conn: Connection) { PQfinish(conn) }

    static func socket(_ conn: Connection) -> Int32 { PQsocket(conn) }

    /// True when the connection is idle outside any transaction block.
    static func isIdle(_ conn: Connection) -> Bool { PQtransactionStatus(conn) == PQTRANS_IDLE }

    /// Whether an idle connection's socket has data or a hang-up waiting — a
    /// terminated backend's goodbye. `poll` with a zero timeout never blocks.
    static func hasPendingInput(_ conn: Connection) -> Bool {
        var descriptor = pollfd(fd: PQsocket(conn), events: Int16(POLLIN), revents: 0)
        var rc: Int32
        repeat {
            rc = poll(&descriptor, 1, 0)
        } while rc < 0 && errno == EINTR
        return rc > 0
    }

    /// Wraps `PQconsumeInput`; false when the connection is broken.
    static func consumeInput(_ conn: Connection) -> Bool { PQconsumeInput(conn) == 1 }

    /// Wraps `PQexec` (simple-query protocol; used for parameterless scripts only).
    static func exec(_ conn: Connection, _ sql: String) -> Result? { PQexec(conn, sql) }

    /// Wraps `PQprepare` with parameter types left for the server to infer.
    static func prepare(_ conn: Connection, name: String, sql: String, parameterCount: Int) -> Result? {
        PQprepare(conn, name, sql, Int32(parameterCount), nil)
    }

    /// Wraps `PQexecPrepared` (`name`) or `PQexecParams` (`name == nil`), text results.
    static func execute(_ conn: Connection, name: String?, sql: String, parameters: [PostgresValue?]) -> Result? {
        withParameters(parameters) { count, values, lengths, formats, types in
            if let name {
                return PQexecPrepared(conn, name, count, values, lengths, formats, 0)
            }
            return PQexecParams(conn, sql, count, types, values, lengths, formats, 0)
        }
    }

    /// Lays `parameters` out as libpq wants them: text values with type 0
    /// ("unknown": the server infers), `bytes` in binary format as `bytea` (17).
    private static func withParameters<R>(
        _ parameters: [PostgresValue?],
        _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?, [Int32], [Int32], [UInt32]) -> R
    ) -> R {
        let count = parameters.count
        var values: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        var types: [UInt32] = []
        values.reserveCapacity(count)
        lengths.reserveCapacity(count)
        formats.reserveCapacity(count)
        types.reserveCapacity(count)
        defer { values.forEach { free($0) } }
        for parameter in parameters {
            switch parameter {
            case .none:
                values.append(nil); lengths.append(0); formats.append(0); types.append(0)
            case .bytes(let bytes)?:
                // Binary format: libpq reads exactly `length` bytes, so NULs are fine.
                let buffer = malloc(max(bytes.count, 1))?.assumingMemoryBound(to: CChar.self)
                bytes.withUnsafeBytes { src in
                    if let buffer, let base = src.baseAddress { memcpy(buffer, base, bytes.count) }
                }
                values.append(buffer); lengths.append(Int32(bytes.count)); formats.append(1); types.append(17)
            case .some(let value):
                values.append(strdup(value.textEncoding ?? "")); lengths.append(0); formats.append(0); types.append(0)
            }
        }
        return values.withUnsafeBufferPointer { v in
            v.withMemoryRebound(to: UnsafePointer<CChar>?.self) { vc in
                body(Int32(count), vc.baseAddress, lengths, formats, types)
            }
        }
    }

    // MARK: pipeline mode (libpq ≥ 14)

    /// Wraps `PQenterPipelineMode`; false unless the connection is idle.
    static func enterPipelineMode(_ conn: Connection) -> Bool { PQenterPipelineMode(conn) == 1 }

    /// Wraps `PQexitPipelineMode`; false while results are still unread.
    static func exitPipelineMode(_ conn: Connection) -> Bool { PQexitPipelineMode(conn) == 1 }

    /// Wraps `PQsendPrepare` (types left for the server to infer); its result comes back in order.
    static func sendPrepare(_ conn: Connection, name: String, sql: String, parameterCount: Int) -> Bool {
        PQsendPrepare(conn, name, sql, Int32(parameterCount), nil) == 1
    }

    /// Wraps `PQsendQueryPrepared` with text results.
    static func sendPrepared(_ conn: Connection, name: String, parameters: [PostgresValue?]) -> Bool {
        withParameters(parameters) { count, values, lengths, formats, _ in
            PQsendQueryPrepared(conn, name, count, values, lengths, formats, 0) == 1
        }
    }

    /// Wraps `PQsendQueryParams` (an unnamed statement, when the cache is full).
    static func sendUnnamed(_ conn: Connection, sql: String, parameters: [PostgresValue?]) -> Bool {
        withParameters(parameters) { count, values, lengths, formats, types in
            PQsendQueryParams(conn, sql, count, types, values, lengths, formats, 0) == 1
        }
    }

    /// Wraps `PQpipelineSync`: ends the implicit transaction of what was sent
    /// since the last sync (so an error stops only that statement) and flushes.
    static func pipelineSync(_ conn: Connection) -> Bool { PQpipelineSync(conn) == 1 }

    /// Wraps `PQgetResult` (blocks until the next result or the end of a query's results).
    static func nextResult(_ conn: Connection) -> Result? { PQgetResult(conn) }

    /// What a pipelined result says.
    enum Outcome { case ok, failed, aborted, sync, other }

    static func outcome(_ result: Result) -> Outcome {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return .ok
        case PGRES_PIPELINE_SYNC: return .sync
        case PGRES_PIPELINE_ABORTED: return .aborted
        case PGRES_FATAL_ERROR, PGRES_BAD_RESPONSE, PGRES_NONFATAL_ERROR: return .failed
        default: return .other
        }
    }

    static func clear(_ result: Result) { PQclear(result) }

    static func succeeded(_ result: Result) -> Bool {
        let status = PQresultStatus(result)
        return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY
    }

    /// Copies a successful result into Swift values.
    static func rows(of result: Result) -> PostgresRows {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [PostgresColumn] = []
        columns.reserveCapacity(columnCount)
        for c in 0..<columnCount {
            let name = PQfname(result, Int32(c)).map { String(cString: $0) } ?? ""
            columns.append(PostgresColumn(name: name, typeOID: PQftype(result, Int32(c))))
        }
        var cells: [[UInt8]?] = []
        cells.reserveCapacity(rowCount * columnCount)
        for r in 0..<rowCount {
            for c in 0..<columnCount {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    cells.append(nil)
                } else if let value = PQgetvalue(result, Int32(r), Int32(c)) {
                    let length = Int(PQgetlength(result, Int32(r), Int32(c)))
                    cells.append(value.withMemoryRebound(to: UInt8.self, capacity: length) {
                        Array(UnsafeBufferPointer(start: $0, count: length))
                    })
                } else {
                    cells.append([])
                }
            }
        }
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) }
        return PostgresRows(columns: columns, cells: cells, commandTag: tag, affectedRows: affected)
    }

    /// The typed error of a failed result (or of the connection when `result` is nil).
    static func error(of result: Result?, on conn: Connection) -> PostgresError {
        let connectionBroken = !isOK(conn)
        guard let result else {
            return PostgresError(connectionBroken ? .connectionLost : .server, message: errorMessage(conn))
        }
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let text = PQresultErrorField(result, Int32(ascii)) else { return nil }
            return String(cString: text)
        }
        let state = field("C")
        var kind = state.map(PostgresError.kind(forSQLState:)) ?? .server
        if connectionBroken && state == nil { kind = .connectionLost }
        if connectionBroken && kind == .server { kind = .connectionLost }
        let message = field("M") ?? PQresultErrorMessage(result).map { String(cString: $0).trimmingTrailingWhitespace() } ?? errorMessage(conn)
        return PostgresError(
            kind, sqlState: state, message: message.isEmpty ? errorMessage(conn) : message,
            detail: field("D"), hint: field("H"), position: field("P").flatMap { Int($0) }, constraint: field("n")
        )
    }

    /// Wraps `PQgetCancel`; the handle lets another thread cancel the running statement.
    static func cancelHandle(_ conn: Connection) -> OpaquePointer? { PQgetCancel(conn) }

    static func freeCancel(_ handle: OpaquePointer) { PQfreeCancel(handle) }

    /// Wraps `PQcancel` (thread-safe; opens a short connection to the server).
    static func cancel(_ handle: OpaquePointer) {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(handle, &buffer, Int32(buffer.count))
    }
}
