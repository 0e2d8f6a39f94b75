import Foundation

/// One `db/migrations/NNNN_name.sql` file.
public struct Migration: Sendable, Hashable {
    /// The leading digits of the file name (`0001`); files apply in this order.
    public let version: String
    /// The rest of the name without `.sql` (`budget_schema`).
    public let name: String
    public let fileName: String
    public let sql: String

    /// Reads every `NNNN_name.sql` in `directory`, ordered by version. Other
    /// files are ignored; a malformed `.sql` name or a repeated version is an error.
    public static func load(directory: String) throws(MigrationError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MigrationError(.unreadable, file: directory, message: "cannot list migrations: \(error)")
        }
        var migrations: [Migration] = []
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            let stem = fileName.dropLast(4)
            let digits = stem.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, stem.dropFirst(digits.count).first == "_" else {
                throw MigrationError(.badFileName, file: fileName, message: "migration files are named NNNN_name.sql")
            }
            let path = directory + "/" + fileName
            guard let data = FileManager.default.contents(atPath: path), let sql = String(data: data, encoding: .utf8) else {
                throw MigrationError(.unreadable, file: fileName, message: "cannot read \(path) as UTF-8")
            }
            migrations.append(Migration(
                version: String(digits), name: String(stem.dropFirst(digits.count + 1)), fileName: fileName, sql: sql
            ))
        }
        migrations.sort { (Int($0.version) ?? 0, $0.version) < (Int($1.version) ?? 0, $1.version) }
        for (a, b) in zip(migrations, migrations.dropFirst()) where Int(a.version) == Int(b.version) {
            throw MigrationError(.duplicateVersion, file: b.fileName, message: "version \(b.version) also used by \(a.fileName)")
        }
        return migrations
    }

    /// 1-based line and column of a 1-based character position (as Postgres
    /// reports `PG_DIAG_STATEMENT_POSITION`, counting characters, not bytes).
    public func location(ofPosition position: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for (index, scalar) in sql.unicodeScalars.enumerated() {
            if index >= position - 1 { break }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}

/// Why migrating stopped: which file, and where in it when the server said.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unreadable, badFileName, duplicateVersion
        /// The file's SQL failed; nothing of it was applied.
        case failed
        /// The bookkeeping around the files failed (lock, `schema_migrations`).
        case database
    }

    public var kind: Kind
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String
    public var underlying: PostgresErrorSummary?

    public init(_ kind: Kind, file: String, line: Int? = nil, column: Int? = nil, message: String, underlying: PostgresErrorSummary? = nil) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        var where_ = file
        if let line { where_ += ":\(line)" }
        if let column { where_ += ":\(column)" }
        return "\(where_): \(message)"
    }
}

/// The server's error kept with a migration failure.
public struct PostgresErrorSummary: Sendable {
    public let sqlState: String?
    public let kind: String
}
