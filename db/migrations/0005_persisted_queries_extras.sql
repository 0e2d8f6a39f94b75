-- Persisted-query allowlist extras (issue 6).
-- * environment: one allowlist per deployment (`ENVIRONMENT`), like the Redis keys
--   `safemut:pq:{<environment>}:*` that publish it; the default matches the config default.
-- * normalized_hash: SHA-256 of the document with comments and insignificant whitespace
--   removed and definitions in canonical order (the hash-drift rule); NULL for a hash added
--   without its document.
-- * updated_at, and a checked operation_type.
ALTER TABLE persisted_queries
    ADD COLUMN environment text NOT NULL DEFAULT 'development',
    ADD COLUMN normalized_hash text
        CHECK (normalized_hash IS NULL OR normalized_hash ~ '^[0-9a-f]{64}$'),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT persisted_queries_operation_type_check
        CHECK (operation_type IS NULL OR operation_type IN ('query', 'mutation', 'subscription'));

ALTER TABLE persisted_queries DROP CONSTRAINT persisted_queries_pkey;
ALTER TABLE persisted_queries ADD PRIMARY KEY (environment, hash);

-- Drift detection looks entries up by normalized hash.
CREATE INDEX persisted_queries_normalized_idx
    ON persisted_queries (environment, normalized_hash)
    WHERE normalized_hash IS NOT NULL;
