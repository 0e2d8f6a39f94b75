import Testing
@testable import Postgres

/// Which statements `PostgresPool.query` may pipeline with other callers'.
@Suite("Postgres statement classification")
struct PostgresStatementTests {
    @Test(arguments: [
        "SELECT 1", "select 1", "  \n\tSelect 1", "INSERT INTO t VALUES (1)", "update t set n = 1", "DELETE FROM t",
        "WITH x AS (SELECT 1) SELECT * FROM x", "VALUES (1)", "TABLE t",
        "-- a comment\nSELECT 1", "/* block */ SELECT 1", "/* nested /* inner */ still */ UPDATE t SET n = 1",
    ])
    func plainDMLIsPipelined(sql: String) {
        #expect(PostgresStatement.canPipeline(sql))
    }

    @Test(arguments: [
        "BEGIN", "begin isolation level serializable", "START TRANSACTION", "COMMIT", "END", "ROLLBACK",
        "SAVEPOINT a", "SET statement_timeout = 1", "CREATE TABLE t (n int)", "DROP TABLE t", "LOCK t",
        "CALL p()", "DO $$ BEGIN END $$", "PREPARE TRANSACTION 'x'", "", "   ", "-- only a comment",
        "/* never closed SELECT 1", "(SELECT 1)", "SELECTX 1",
    ])
    func everythingElseRunsAlone(sql: String) {
        #expect(!PostgresStatement.canPipeline(sql))
    }

    @Test func firstKeywordSkipsCommentsAndUpperCases() {
        #expect(PostgresStatement.firstKeyword("  -- x\n /* y */ insert into t") == "INSERT")
        #expect(PostgresStatement.firstKeyword("with") == "WITH")
        #expect(PostgresStatement.firstKeyword("/* open") == nil)
    }
}
