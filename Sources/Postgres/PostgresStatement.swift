/// What the pool may do with a statement's text, decided from its first keyword.
enum PostgresStatement {
    /// Keywords of statements that cannot open or end a transaction block, so
    /// a statement starting with one may share a pipelined connection with
    /// other callers' (each followed by its own Sync). Anything else (`BEGIN`,
    /// `COMMIT`, `SET`, DDL, `CALL`, `DO`, `LOCK`, …) runs on a leased
    /// connection of its own, as before pipelining. Session-level side effects
    /// of functions (`set_config(…, false)`, `pg_advisory_lock`) stay on
    /// whichever pooled connection ran them, pipelined or not: use a leased
    /// session (`withConnection`, `withAdvisoryLock`) for those.
    private static let pipelineKeywords: Set<String> = ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "TABLE"]

    /// True when `sql` may be pipelined with other callers' statements.
    static func canPipeline(_ sql: String) -> Bool {
        guard let keyword = firstKeyword(sql) else { return false }
        return pipelineKeywords.contains(keyword)
    }

    /// The first word after whitespace, `--` line comments and `/* */` block
    /// comments (nested, as Postgres allows), upper-cased; nil if there is none
    /// or a comment never ends.
    static func firstKeyword(_ sql: String) -> String? {
        // Native strings are contiguous UTF-8: scan in place, no copy per query.
        sql.utf8.withContiguousStorageIfAvailable { firstKeyword(in: $0) } ?? firstKeyword(in: Array(sql.utf8))
    }

    private static func firstKeyword<Bytes: RandomAccessCollection<UInt8>>(in bytes: Bytes) -> String? where Bytes.Index == Int {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let byte = bytes[i]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                i += 1
            } else if byte == 0x2D, i + 1 < bytes.endIndex, bytes[i + 1] == 0x2D {  // --
                while i < bytes.endIndex, bytes[i] != 0x0A { i += 1 }
            } else if byte == 0x2F, i + 1 < bytes.endIndex, bytes[i + 1] == 0x2A {  // /*
                var depth = 0
                repeat {
                    if i + 1 < bytes.endIndex, bytes[i] == 0x2F, bytes[i + 1] == 0x2A {
                        depth += 1
                        i += 2
                    } else if i + 1 < bytes.endIndex, bytes[i] == 0x2A, bytes[i + 1] == 0x2F {
                        depth -= 1
                        i += 2
                    } else {
                        i += 1
                    }
                } while depth > 0 && i < bytes.endIndex
                if depth > 0 { return nil }
            } else {
                break
            }
        }
        var word: [UInt8] = []
        while i < bytes.endIndex, word.count < 16 {
            let byte = bytes[i]
            switch byte {
            case 0x41...0x5A: word.append(byte)
            case 0x61...0x7A: word.append(byte - 0x20)
            default: i = bytes.endIndex
            }
            i += 1
        }
        return word.isEmpty ? nil : String(decoding: word, as: UTF8.self)
    }
}
