import Kit

/// A drill's fault at this pool's call site (issue 18), acted out as Postgres itself would:
/// the statement is not sent, and the caller meets the same `PostgresError` a sick server gives.
extension PostgresPool {
    func act(_ fault: CallFault) async throws(PostgresError) {
        switch fault {
        case .delay(let milliseconds):
            try? await Task.sleep(for: .milliseconds(milliseconds))
        case .error(let code, let label):
            let error = PostgresError(PostgresError.kind(forSQLState: code), sqlState: code, message: "\(label): injected SQLSTATE \(code)")
            record(error)
            throw error
        case .drop(let label):
            // Really cut one connection, so the reconnect path runs as after a server restart.
            let connection = try await acquire()
            connection.post { link in link.drop() }
            release(connection)
            let error = PostgresError(.connectionLost, sqlState: "08006", message: "\(label): connection dropped")
            record(error)
            throw error
        case .timeout(let label):
            let error = PostgresError(.queryCanceled, sqlState: "57014", message: "\(label): canceling statement due to statement timeout")
            record(error)
            throw error
        }
    }
}
