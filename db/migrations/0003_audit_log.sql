-- The append-only, hash-chained audit log. The chain is computed by a
-- BEFORE INSERT trigger, so a plain psql
--   INSERT INTO audit_log (action, details, reason, created_by) VALUES (…)
-- is chained exactly like the gateway's own inserts. UPDATE, DELETE and
-- TRUNCATE are refused by triggers.
CREATE TABLE audit_log (
    seq             bigint PRIMARY KEY,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    action          text NOT NULL CHECK (action <> ''),
    details         jsonb NOT NULL DEFAULT '{}'::jsonb,
    reason          text,
    created_by      text NOT NULL,
    tenant_id       text,
    correlation_id  text,
    prev_hash       bytea NOT NULL,
    hash            bytea NOT NULL UNIQUE
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at);
CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, created_at) WHERE tenant_id IS NOT NULL;

-- The head of the chain in one row. Inserters lock it (FOR UPDATE), which
-- orders concurrent inserts; under READ COMMITTED the lock returns the latest
-- committed head, and under stricter isolation a race is a serialization error,
-- never a fork.
CREATE TABLE audit_chain_head (
    id    boolean PRIMARY KEY DEFAULT true CHECK (id),
    seq   bigint NOT NULL,
    hash  bytea NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash) VALUES (true, 0, '\x'::bytea || sha256(convert_to('safemut audit genesis', 'UTF8')));

-- The bytes a row's hash covers: every field, each length-prefixed so no two
-- different rows can serialize alike. `safemut audit verify` recomputes it.
CREATE FUNCTION audit_log_row_bytes(
    p_seq bigint, p_created_at timestamptz, p_action text, p_details jsonb, p_reason text,
    p_created_by text, p_tenant_id text, p_correlation_id text
) RETURNS bytea
LANGUAGE sql IMMUTABLE
AS $$
    SELECT convert_to(
        concat(
            p_seq::text, ';',
            to_char(p_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), ';',
            length(p_action), ':', p_action, ';',
            length(p_details::text), ':', p_details::text, ';',
            coalesce(length(p_reason)::text || ':' || p_reason, '-'), ';',
            length(p_created_by), ':', p_created_by, ';',
            coalesce(length(p_tenant_id)::text || ':' || p_tenant_id, '-'), ';',
            coalesce(length(p_correlation_id)::text || ':' || p_correlation_id, '-')
        ),
        'UTF8')
$$;

CREATE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    head audit_chain_head;
BEGIN
    SELECT * INTO head FROM audit_chain_head WHERE id FOR UPDATE;
    NEW.seq := head.seq + 1;
    NEW.created_at := coalesce(NEW.created_at, clock_timestamp());
    NEW.details := coalesce(NEW.details, '{}'::jsonb);
    NEW.prev_hash := head.hash;
    NEW.hash := sha256(head.hash || audit_log_row_bytes(
        NEW.seq, NEW.created_at, NEW.action, NEW.details, NEW.reason,
        NEW.created_by, NEW.tenant_id, NEW.correlation_id));
    UPDATE audit_chain_head SET seq = NEW.seq, hash = NEW.hash WHERE id;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'raise_exception', HINT = 'insert a correcting entry instead';
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Walks the chain in order; returns the first seq whose prev_hash or hash does
-- not match (NULL when the whole chain verifies).
CREATE FUNCTION audit_log_verify() RETURNS bigint
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    expected bytea := '\x'::bytea || sha256(convert_to('safemut audit genesis', 'UTF8'));
    expected_seq bigint := 1;
    r audit_log;
BEGIN
    FOR r IN SELECT * FROM audit_log ORDER BY seq LOOP
        IF r.seq <> expected_seq OR r.prev_hash <> expected
           OR r.hash <> sha256(expected || audit_log_row_bytes(
                r.seq, r.created_at, r.action, r.details, r.reason, r.created_by, r.tenant_id, r.correlation_id))
        THEN
            RETURN r.seq;
        END IF;
        expected := r.hash;
        expected_seq := r.seq + 1;
    END LOOP;
    RETURN NULL;
END;
$$;
