-- Allowlist ids are opaque, as in Apollo's persisted-query manifests (issue 13 item 4):
-- 1–128 of [A-Za-z0-9_-]. A 64-hex id is a document's SHA-256 (stored lowercase, matched
-- against document hashes); any other id is kept exactly and matched only against the id
-- a client sends (`extensions.persistedQuery.sha256Hash`).
ALTER TABLE persisted_queries DROP CONSTRAINT persisted_queries_hash_check;
ALTER TABLE persisted_queries ADD CONSTRAINT persisted_queries_hash_check
    CHECK (hash ~ '^[A-Za-z0-9_-]{1,128}$' AND (hash !~ '^[0-9A-Fa-f]{64}$' OR hash ~ '^[0-9a-f]{64}$'));
