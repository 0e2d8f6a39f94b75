-- The reserve rules in one function body (issue 14): budget_reserve_many takes an
-- optional "idempotency_key" per item and answers duplicate/conflict as budget_reserve
-- did, and budget_reserve becomes budget_reserve_many with one item. Same signatures
-- and answers as 0006; the rules (windows only move forward, the ledger rows before the
-- tenant lock, one FOR NO KEY UPDATE of the tenant row held to commit, a refusal undoes
-- its ledger row) are written once. The unlocked pre-check of 0006's budget_reserve is
-- gone: under the lock the same request is refused with the same figures.

-- The canary arm (issue 15) a reservation's request was routed to: 'stable', 'canary',
-- or NULL when no cutover routed traffic. Items carry it as "arm".
ALTER TABLE budget_ledger ADD COLUMN arm text CHECK (arm IN ('stable', 'canary'));

-- The result gains three columns, so the function is dropped and made again.
-- budget_reserve_batch calls it by name from PL/pgSQL and reads its columns by name.
DROP FUNCTION budget_reserve_many(text, jsonb, bigint, timestamptz);

-- Items (jsonb array, in arrival order): {"estimate": "0.020000", "tokens": 200,
-- "operation": …, "document_hash": …, "correlation": …, "user": …,
-- "idempotency_key": … (optional), "arm": "stable"|"canary" (optional)}. Outcomes per item, as budget_reserve's in 0006:
--   reserved   a ledger row (ledger_id) holds the estimate
--   exceeded   refused; the window that failed and its figures
--   unknown    the tenant has no budget row
--   duplicate  the key was seen with this document: ledger_id, prior_status and the
--              first attempt's stored response (a released first attempt is reserved
--              again on the same row instead, so the retry can run)
--   conflict   the key was seen with another document
-- Admits in order while both windows have room, so a later small request may pass
-- where an earlier large one did not.
CREATE FUNCTION budget_reserve_many(
    p_tenant text, p_items jsonb, p_ttl_ms bigint, p_now timestamptz DEFAULT NULL
) RETURNS TABLE (
    item integer, outcome text, ledger_id uuid, budget_window text, limit_usd numeric, spent_usd numeric,
    reserved_usd numeric, multiplier numeric, prior_status text, response_status integer, response_body bytea
)
LANGUAGE plpgsql
-- Point lookups by key only: never let a fresh, unanalyzed ledger tempt the planner
-- into a sequential scan (the first minutes of a new deployment), nor a cached generic
-- plan into walking a hot tenant's rows through another index (measured: 2 ms per
-- settlement instead of 0.05 once a tenant had thousands of rows).
SET enable_seqscan = off
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_now    timestamptz := coalesce(p_now, now());
    v_day    date := (v_now AT TIME ZONE 'UTC')::date;
    v_month  date := date_trunc('month', v_now AT TIME ZONE 'UTC')::date;
    v_count  integer := jsonb_array_length(p_items);
    v_mult   numeric;
    v_ids    uuid[] := array_fill(NULL::uuid, ARRAY[v_count]);
    v_est    numeric[] := array_fill(0::numeric, ARRAY[v_count]);
    -- Whether item i re-reserved a released row (a refusal gives it back as released).
    v_again  boolean[] := array_fill(false, ARRAY[v_count]);
    v_refused uuid[] := '{}';
    v_given_back uuid[] := '{}';
    t        tenant_budget;
    prior    budget_ledger;
    d_spent  numeric; d_reserved numeric; m_spent numeric; m_reserved numeric;
    d_limit  numeric; m_limit numeric;
    v_added  numeric := 0;
    v_new    uuid;
    v_key    text;
    i        integer;
    e        jsonb;
BEGIN
    SELECT coalesce(max(o.budget_multiplier), 1) INTO v_mult FROM budget_overrides o
    WHERE o.tenant_id = p_tenant AND o.status = 'active' AND o.expires_at > v_now;

    -- Keys first: a conflict or a duplicate is answered whatever the budget says.
    FOR i IN 1..v_count LOOP
        e := p_items -> (i - 1);
        v_key := e ->> 'idempotency_key';
        CONTINUE WHEN v_key IS NULL;
        SELECT * INTO prior FROM budget_ledger WHERE tenant_id = p_tenant AND idempotency_key = v_key;
        CONTINUE WHEN prior.id IS NULL;
        IF prior.document_hash IS DISTINCT FROM e ->> 'document_hash' THEN
            RETURN QUERY SELECT i - 1, 'conflict'::text, prior.id, NULL::text, NULL::numeric, NULL::numeric,
                                NULL::numeric, NULL::numeric, prior.status, NULL::integer, NULL::bytea;
            v_est[i] := NULL;
        ELSIF prior.status <> 'released' THEN
            RETURN QUERY SELECT i - 1, 'duplicate'::text, prior.id, NULL::text, NULL::numeric, NULL::numeric,
                                NULL::numeric, NULL::numeric, prior.status, prior.response_status, prior.response_body;
            v_est[i] := NULL;
        ELSE
            v_ids[i] := prior.id;
            v_again[i] := true;
        END IF;
    END LOOP;

    PERFORM 1 FROM tenant_budget WHERE tenant_id = p_tenant;
    IF NOT FOUND THEN
        RETURN QUERY SELECT g.i - 1, 'unknown'::text, NULL::uuid, 'daily'::text, 0::numeric, 0::numeric, 0::numeric,
                            1::numeric, NULL::text, NULL::integer, NULL::bytea
                     FROM generate_series(1, v_count) AS g(i) WHERE v_est[g.i] IS NOT NULL;
        RETURN;
    END IF;

    -- The ledger rows, before the tenant lock.
    FOR i IN 1..v_count LOOP
        CONTINUE WHEN v_est[i] IS NULL;
        e := p_items -> (i - 1);
        v_est[i] := (e ->> 'estimate')::numeric;
        v_new := NULL;
        IF v_again[i] THEN
            UPDATE budget_ledger SET
                status = 'reserved', budget_day = v_day, created_at = v_now, estimated_usd = v_est[i],
                estimated_tokens = coalesce((e ->> 'tokens')::bigint, 0), correlation_id = e ->> 'correlation',
                user_id = e ->> 'user', arm = e ->> 'arm', expires_at = v_now + make_interval(secs => p_ttl_ms / 1000.0),
                actual_usd = NULL, actual_tokens = NULL, settled_at = NULL, response_status = NULL, response_body = NULL
            WHERE tenant_id = p_tenant AND id = v_ids[i] AND status = 'released'
            RETURNING id INTO v_new;
        ELSE
            INSERT INTO budget_ledger (
                tenant_id, created_at, budget_day, status, operation_name, document_hash, estimated_usd,
                estimated_tokens, correlation_id, idempotency_key, user_id, arm, expires_at
            ) VALUES (
                p_tenant, v_now, v_day, 'reserved', e ->> 'operation', e ->> 'document_hash', v_est[i],
                coalesce((e ->> 'tokens')::bigint, 0), e ->> 'correlation', e ->> 'idempotency_key', e ->> 'user',
                e ->> 'arm', v_now + make_interval(secs => p_ttl_ms / 1000.0)
            ) ON CONFLICT DO NOTHING
            RETURNING id INTO v_new;
        END IF;
        IF v_new IS NULL THEN
            -- The same key raced in from another request (or an earlier item): that one holds it.
            SELECT * INTO prior FROM budget_ledger WHERE tenant_id = p_tenant AND idempotency_key = e ->> 'idempotency_key';
            RETURN QUERY SELECT i - 1, 'duplicate'::text, prior.id, NULL::text, NULL::numeric, NULL::numeric,
                                NULL::numeric, NULL::numeric, coalesce(prior.status, 'reserved'), prior.response_status,
                                prior.response_body;
            v_est[i] := NULL;
            v_ids[i] := NULL;
        ELSE
            v_ids[i] := v_new;
        END IF;
    END LOOP;

    -- One lock for the whole batch, held to commit. NO KEY UPDATE: the ledger
    -- rows' foreign keys hold KEY SHARE on this row, which FOR UPDATE would
    -- wait on (and deadlock with concurrent batches doing the same).
    SELECT * INTO t FROM tenant_budget WHERE tenant_id = p_tenant FOR NO KEY UPDATE;
    -- Windows only move forward: a request that began just before midnight but locks
    -- after a newer window was opened is charged to it (counters and ledger rows alike),
    -- never rolls the counters back.
    IF t.counter_day > v_day THEN
        v_day := t.counter_day;
        UPDATE budget_ledger SET budget_day = v_day WHERE tenant_id = p_tenant AND id = ANY (v_ids);
    END IF;
    v_month := greatest(v_month, t.counter_month);
    d_spent := CASE WHEN t.counter_day = v_day THEN t.daily_spent_usd ELSE 0 END;
    d_reserved := CASE WHEN t.counter_day = v_day THEN t.daily_reserved_usd ELSE 0 END;
    m_spent := CASE WHEN t.counter_month = v_month THEN t.monthly_spent_usd ELSE 0 END;
    m_reserved := CASE WHEN t.counter_month = v_month THEN t.monthly_reserved_usd ELSE 0 END;
    d_limit := t.daily_usd_limit * v_mult;
    m_limit := t.monthly_usd_limit * v_mult;
    FOR i IN 1..v_count LOOP
        CONTINUE WHEN v_est[i] IS NULL;
        prior_status := NULL; response_status := NULL; response_body := NULL;
        IF d_spent + d_reserved + v_added + v_est[i] > d_limit THEN
            item := i - 1; outcome := 'exceeded'; ledger_id := NULL; budget_window := 'daily';
            limit_usd := d_limit; spent_usd := d_spent; reserved_usd := d_reserved + v_added; multiplier := v_mult;
        ELSIF m_spent + m_reserved + v_added + v_est[i] > m_limit THEN
            item := i - 1; outcome := 'exceeded'; ledger_id := NULL; budget_window := 'monthly';
            limit_usd := m_limit; spent_usd := m_spent; reserved_usd := m_reserved + v_added; multiplier := v_mult;
        ELSE
            v_added := v_added + v_est[i];
            item := i - 1; outcome := 'reserved'; ledger_id := v_ids[i]; budget_window := NULL;
            limit_usd := NULL; spent_usd := NULL; reserved_usd := NULL; multiplier := v_mult;
        END IF;
        IF outcome = 'exceeded' THEN
            IF v_again[i] THEN v_given_back := v_given_back || v_ids[i]; ELSE v_refused := v_refused || v_ids[i]; END IF;
        END IF;
        RETURN NEXT;
    END LOOP;
    UPDATE tenant_budget SET
        counter_day = v_day, daily_spent_usd = d_spent, daily_reserved_usd = d_reserved + v_added,
        counter_month = v_month, monthly_spent_usd = m_spent, monthly_reserved_usd = m_reserved + v_added,
        updated_at = v_now
    WHERE tenant_id = p_tenant;
    -- Refused: undo the ledger rows (a re-reserved key goes back to released).
    IF cardinality(v_refused) > 0 THEN
        DELETE FROM budget_ledger WHERE tenant_id = p_tenant AND id = ANY (v_refused);
    END IF;
    IF cardinality(v_given_back) > 0 THEN
        UPDATE budget_ledger SET status = 'released' WHERE tenant_id = p_tenant AND id = ANY (v_given_back);
    END IF;
END;
$$;

-- budget_reserve: budget_reserve_many with one item. The answers of 0006, and one more
-- (optional, last) argument: the request's arm. A new argument list is a new function,
-- so 0006's is dropped rather than left as an ambiguous overload.
DROP FUNCTION budget_reserve(text, numeric, bigint, text, text, text, text, text, bigint, timestamptz);
CREATE FUNCTION budget_reserve(
    p_tenant text, p_estimate numeric, p_tokens bigint, p_operation text, p_document_hash text,
    p_correlation text, p_idempotency_key text, p_user text, p_ttl_ms bigint,
    p_now timestamptz DEFAULT NULL, p_arm text DEFAULT NULL
) RETURNS TABLE (
    outcome text, ledger_id uuid, budget_window text, limit_usd numeric, spent_usd numeric,
    reserved_usd numeric, multiplier numeric, prior_status text, response_status integer, response_body bytea
)
LANGUAGE sql
AS $$
    SELECT m.outcome, m.ledger_id, m.budget_window, m.limit_usd, m.spent_usd, m.reserved_usd, m.multiplier,
           m.prior_status, m.response_status, m.response_body
    FROM budget_reserve_many(
        p_tenant,
        jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
            'estimate', p_estimate::text,
            'tokens', p_tokens,
            'operation', p_operation,
            'document_hash', p_document_hash,
            'correlation', p_correlation,
            'idempotency_key', p_idempotency_key,
            'user', p_user,
            'arm', p_arm))),
        p_ttl_ms, p_now) AS m
$$;

-- budget_settle (0010) as a PL/pgSQL wrapper instead of an SQL one: same signature,
-- body and answers, but its one statement's plan is cached for the session instead of
-- being planned on every call. Measured with pgbench at one connection (reserve then
-- settle): 1,398 → 1,591 per second (docs/benchmarks.md, issue 14's before/after).
CREATE OR REPLACE FUNCTION budget_settle(
    p_tenant text, p_id uuid, p_actual numeric, p_actual_tokens bigint,
    p_response_status integer, p_response_body bytea, p_compensation jsonb, p_now timestamptz DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN (SELECT m.prior FROM budget_settle_many(
        p_tenant,
        jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
            'id', p_id,
            'actual', p_actual::text,
            'tokens', p_actual_tokens,
            'status', p_response_status,
            'body', encode(p_response_body, 'base64'),
            'compensation', p_compensation))),
        p_now) AS m);
END;
$$;
