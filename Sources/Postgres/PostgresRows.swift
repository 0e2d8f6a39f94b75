/// One result column: its name and the server's type OID.
public struct PostgresColumn: Sendable, Hashable {
    public let name: String
    public let typeOID: UInt32
}

/// The rows a statement returned, copied out of libpq's result on the
/// connection thread (so nothing here points into C memory).
public struct PostgresRows: Sendable, RandomAccessCollection {
    public let columns: [PostgresColumn]
    /// Cells row by row, each the server's text bytes or nil for NULL.
    let cells: [[UInt8]?]
    /// The command tag (`INSERT 0 1`, `UPDATE 3`, `SELECT 2`).
    public let commandTag: String
    /// Rows affected by INSERT/UPDATE/DELETE/…, from `PQcmdTuples`.
    public let affectedRows: Int?

    init(columns: [PostgresColumn], cells: [[UInt8]?], commandTag: String, affectedRows: Int?) {
        self.columns = columns
        self.cells = cells
        self.commandTag = commandTag
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { columns.isEmpty ? 0 : cells.count / columns.count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, index: position) }

    /// The first row, or a `decoding` error naming `what` was expected.
    public func single() throws(PostgresError) -> PostgresRow {
        guard let row = first else { throw PostgresError(.decoding, message: "expected a row, got none") }
        return row
    }
}

/// One row; cells by column name or index.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    public var count: Int { rows.columns.count }

    /// The cell of column `name`; a missing name yields a cell whose accessors throw.
    public subscript(name: String) -> PostgresCell {
        guard let column = rows.columns.firstIndex(where: { $0.name == name }) else {
            return PostgresCell(column: PostgresColumn(name: name, typeOID: 0), bytes: nil, missing: true)
        }
        return self[column]
    }

    public subscript(column: Int) -> PostgresCell {
        guard column >= 0, column < rows.columns.count else {
            return PostgresCell(column: PostgresColumn(name: "#\(column)", typeOID: 0), bytes: nil, missing: true)
        }
        return PostgresCell(column: rows.columns[column], bytes: rows.cells[index * rows.columns.count + column], missing: false)
    }
}
