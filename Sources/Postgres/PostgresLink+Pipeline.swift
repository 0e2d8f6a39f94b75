/// Several independent callers' statements on one connection in libpq
/// pipeline mode: all are sent before any result is read, so the server runs
/// them back to back and the connection thread wakes once per batch to send
/// and as results arrive, not twice per statement.
///
/// Each statement is followed by its own Sync: it runs in its own implicit
/// transaction exactly as if sent alone, an error fails that statement only,
/// and a neighbour never sees another's transaction. Only statements that
/// cannot open or end a transaction block are pipelined (`PostgresStatement`).
extension PostgresLink {
    /// One pipelined statement: its text, parameters and the caller's job id.
    struct Statement {
        let sql: String
        let parameters: [PostgresValue?]
        let job: UInt64
    }

    /// Protocol limit on bind parameters; checked before sending so that a send
    /// can only fail because the connection did.
    static let maxParameters = 65_535

    /// Runs `count` statements and hands each result to `deliver(index, result)`
    /// in order, as soon as it is read. One statement runs the ordinary way
    /// (and can be cancelled by its task); several run as one pipeline.
    func pipeline(count: Int, statement: (Int) -> Statement, deliver: (Int, Result<PostgresRows, PostgresError>) -> Void) {
        if count == 1 {
            let only = statement(0)
            deliver(0, query(only.sql, only.parameters, job: only.job))
            return
        }
        if let error = ensureReady() {
            for index in 0..<count { deliver(index, .failure(error)) }
            return
        }
        guard let conn, LibPQ.enterPipelineMode(conn) else {
            // Not idle (cannot happen between callers): run them one by one.
            for index in 0..<count {
                let next = statement(index)
                deliver(index, query(next.sql, next.parameters, job: next.job))
            }
            return
        }

        // Send everything: [Parse] Bind/Execute Sync per statement.
        var sent: [(index: Int, preparesAs: String?)] = []
        sent.reserveCapacity(count)
        var refused: Set<Int> = []
        var preparing: [String: String] = [:]
        var sendFailed = false
        for index in 0..<count {
            let next = statement(index)
            if next.parameters.count > Self.maxParameters {
                refused.insert(index)
                deliver(index, .failure(PostgresError(.server, message: "more than \(Self.maxParameters) parameters")))
                continue
            }
            var name = statements[next.sql] ?? preparing[next.sql]
            var preparesAs: String?
            if name == nil, statements.count + preparing.count < cacheLimit {
                let fresh = "safemut_\(nextStatement)"
                nextStatement += 1
                guard LibPQ.sendPrepare(conn, name: fresh, sql: next.sql, parameterCount: next.parameters.count) else {
                    sendFailed = true
                    break
                }
                preparing[next.sql] = fresh
                preparesAs = fresh
                name = fresh
            }
            let queued = name.map { LibPQ.sendPrepared(conn, name: $0, parameters: next.parameters) }
                ?? LibPQ.sendUnnamed(conn, sql: next.sql, parameters: next.parameters)
            guard queued, LibPQ.pipelineSync(conn) else {
                sendFailed = true
                break
            }
            sent.append((index, preparesAs))
        }
        if sendFailed {
            // Only a broken connection refuses a send here; what went out may have run.
            let cause = LibPQ.error(of: nil, on: conn)
            let lost = PostgresError(.connectionLost, message: cause.message)
            drop()
            for index in 0..<count where !refused.contains(index) { deliver(index, .failure(lost)) }
            return
        }

        // Read results in order: [Parse result, NULL] exec result, NULL, PIPELINE_SYNC.
        var failedPrepares: Set<String> = []
        var stale: PostgresError?
        for (position, entry) in sent.enumerated() {
            var failure: PostgresError?
            var rows: PostgresRows?
            var broken = false
            if let name = entry.preparesAs {
                switch readOne(conn) {
                case .none: broken = true
                case .some(let result):
                    if LibPQ.outcome(result) != .ok {
                        failure = LibPQ.error(of: result, on: conn)
                        failedPrepares.insert(name)
                    }
                    LibPQ.clear(result)
                }
            }
            if !broken {
                switch readOne(conn) {
                case .none: broken = true
                case .some(let result):
                    switch LibPQ.outcome(result) {
                    case .ok: rows = LibPQ.rows(of: result)
                    case .aborted where failure != nil: break
                    default: failure = failure ?? LibPQ.error(of: result, on: conn)
                    }
                    LibPQ.clear(result)
                }
            }
            if !broken, let sync = LibPQ.nextResult(conn) {
                broken = LibPQ.outcome(sync) != .sync
                LibPQ.clear(sync)
            } else {
                broken = true
            }
            if broken || !LibPQ.isOK(conn) {
                // The stream position is lost: this and every later statement may or may not have run.
                let error = (failure?.kind == .connectionLost ? failure : nil) ?? LibPQ.error(of: nil, on: conn)
                let lost = PostgresError(.connectionLost, sqlState: error.sqlState, message: error.message)
                drop()
                deliver(entry.index, .failure(lost))
                for later in sent[(position + 1)...] { deliver(later.index, .failure(lost)) }
                return
            }
            if let failure {
                if failure.sqlState == "0A000" || failure.sqlState == "26000" { stale = failure }
                deliver(entry.index, .failure(failure))
            } else {
                deliver(entry.index, .success(rows ?? PostgresRows(columns: [], cells: [], commandTag: "", affectedRows: nil)))
            }
        }
        for (sql, name) in preparing where !failedPrepares.contains(name) { statements[sql] = name }
        if !LibPQ.exitPipelineMode(conn) { drop() }
        if let stale { forgetStatementsIfStale(stale) }
    }

    /// One command's result, then the NULL that ends it; nil when the stream broke.
    private func readOne(_ conn: LibPQ.Connection) -> LibPQ.Result? {
        guard let result = LibPQ.nextResult(conn) else { return nil }
        // One result per command here (no single-row mode, no COPY); the NULL
        // follows. A second non-NULL means we lost our place: treat as broken.
        if let extra = LibPQ.nextResult(conn) {
            LibPQ.clear(extra)
            LibPQ.clear(result)
            return nil
        }
        return result
    }
}
