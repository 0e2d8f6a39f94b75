-- The ledger's request-path functions (issue 5): reserve, settle, release.
-- Each is one round trip from the gateway and one transaction here. Each takes
-- the tenant's tenant_budget row lock as its last step, so the hot tenant's
-- row is held only for one UPDATE and the commit. (reconcile_daily_budget
-- locks the tenant row first and then stale ledger rows; should it meet a
-- settlement of the same stale row, Postgres breaks the deadlock and the
-- settlement is retried by the gateway's queue.)
--
-- Windows are UTC days and months of the database clock (one clock for every
-- replica); p_now exists so tests can cross midnight and month ends.

-- The first outcome of an idempotent request, replayed to its retries.
ALTER TABLE budget_ledger
    ADD COLUMN response_status integer,
    ADD COLUMN response_body   bytea;

-- budget_reserve: admit `p_estimate` for `p_tenant` only if, for the day and
-- for the month, spent + reserved + estimate <= limit × active override
-- multiplier. Outcomes:
--   reserved      a new ledger row (ledger_id) holds the estimate
--   exceeded      refused; window and the figures of the window that failed
--   unknown       the tenant has no budget row (it may spend nothing)
--   duplicate     p_idempotency_key was seen with this document: ledger_id,
--                 prior_status and the stored response of the first attempt
--   conflict      p_idempotency_key was seen with another document
-- A key whose first attempt was released (the upstream never answered) is
-- reserved again on the same row, so the retry can run.
--
-- Throughput on one hot tenant is bounded by how long its tenant_budget row
-- stays locked, so the lock is taken last: the ledger row is written first,
-- then one conditional UPDATE checks both windows and moves the counters
-- (the lock is held from there to commit). A refusal deletes the ledger row
-- again. Before any of it, an unlocked read refuses what is already clearly
-- over the limit (it can only refuse a request a concurrent settlement was
-- about to make room for, never admit one too many).
CREATE FUNCTION budget_reserve(
    p_tenant text, p_estimate numeric, p_tokens bigint, p_operation text, p_document_hash text,
    p_correlation text, p_idempotency_key text, p_user text, p_ttl_ms bigint,
    p_now timestamptz DEFAULT NULL
) RETURNS TABLE (
    outcome text, ledger_id uuid, budget_window text, limit_usd numeric, spent_usd numeric,
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
    t        tenant_budget;
    prior    budget_ledger;
    v_mult   numeric;
    v_id     uuid;
    d_spent  numeric; d_reserved numeric; m_spent numeric; m_reserved numeric;
BEGIN
    SELECT coalesce(max(o.budget_multiplier), 1) INTO v_mult FROM budget_overrides o
    WHERE o.tenant_id = p_tenant AND o.status = 'active' AND o.expires_at > v_now;

    IF p_idempotency_key IS NOT NULL THEN
        SELECT * INTO prior FROM budget_ledger
        WHERE tenant_id = p_tenant AND idempotency_key = p_idempotency_key;
        IF FOUND THEN
            IF prior.document_hash IS DISTINCT FROM p_document_hash THEN
                RETURN QUERY SELECT 'conflict'::text, prior.id, NULL::text, NULL::numeric, NULL::numeric,
                                    NULL::numeric, NULL::numeric, prior.status, NULL::integer, NULL::bytea;
                RETURN;
            END IF;
            IF prior.status <> 'released' THEN
                RETURN QUERY SELECT 'duplicate'::text, prior.id, NULL::text, NULL::numeric, NULL::numeric,
                                    NULL::numeric, NULL::numeric, prior.status, prior.response_status, prior.response_body;
                RETURN;
            END IF;
        END IF;
    END IF;

    -- The unlocked look: unknown tenants, and requests already clearly over.
    SELECT * INTO t FROM tenant_budget WHERE tenant_id = p_tenant;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'unknown'::text, NULL::uuid, 'daily'::text, 0::numeric, 0::numeric, 0::numeric,
                            1::numeric, NULL::text, NULL::integer, NULL::bytea;
        RETURN;
    END IF;
    d_spent := CASE WHEN t.counter_day >= v_day THEN t.daily_spent_usd ELSE 0 END;
    d_reserved := CASE WHEN t.counter_day >= v_day THEN t.daily_reserved_usd ELSE 0 END;
    m_spent := CASE WHEN t.counter_month >= v_month THEN t.monthly_spent_usd ELSE 0 END;
    m_reserved := CASE WHEN t.counter_month >= v_month THEN t.monthly_reserved_usd ELSE 0 END;
    IF d_spent + d_reserved + p_estimate > t.daily_usd_limit * v_mult THEN
        RETURN QUERY SELECT 'exceeded'::text, NULL::uuid, 'daily'::text, t.daily_usd_limit * v_mult,
                            d_spent, d_reserved, v_mult, NULL::text, NULL::integer, NULL::bytea;
        RETURN;
    END IF;
    IF m_spent + m_reserved + p_estimate > t.monthly_usd_limit * v_mult THEN
        RETURN QUERY SELECT 'exceeded'::text, NULL::uuid, 'monthly'::text, t.monthly_usd_limit * v_mult,
                            m_spent, m_reserved, v_mult, NULL::text, NULL::integer, NULL::bytea;
        RETURN;
    END IF;

    -- The ledger row, before the tenant lock.
    IF prior.id IS NOT NULL THEN
        UPDATE budget_ledger SET
            status = 'reserved', budget_day = v_day, created_at = v_now, estimated_usd = p_estimate,
            estimated_tokens = p_tokens, correlation_id = p_correlation, user_id = p_user,
            expires_at = v_now + make_interval(secs => p_ttl_ms / 1000.0),
            actual_usd = NULL, actual_tokens = NULL, settled_at = NULL, response_status = NULL, response_body = NULL
        WHERE tenant_id = p_tenant AND id = prior.id AND status = 'released'
        RETURNING id INTO v_id;
    ELSE
        INSERT INTO budget_ledger (
            tenant_id, created_at, budget_day, status, operation_name, document_hash, estimated_usd,
            estimated_tokens, correlation_id, idempotency_key, user_id, expires_at
        ) VALUES (
            p_tenant, v_now, v_day, 'reserved', p_operation, p_document_hash, p_estimate,
            p_tokens, p_correlation, p_idempotency_key, p_user, v_now + make_interval(secs => p_ttl_ms / 1000.0)
        ) ON CONFLICT DO NOTHING
        RETURNING id INTO v_id;
    END IF;
    IF v_id IS NULL THEN
        -- The same key raced in from another request: that one holds it.
        SELECT * INTO prior FROM budget_ledger WHERE tenant_id = p_tenant AND idempotency_key = p_idempotency_key;
        RETURN QUERY SELECT 'duplicate'::text, prior.id, NULL::text, NULL::numeric, NULL::numeric,
                            NULL::numeric, NULL::numeric, coalesce(prior.status, 'reserved'), prior.response_status, prior.response_body;
        RETURN;
    END IF;

    -- The check and the counters in one locking statement; a new day or month
    -- starts its counters at zero (reservations of the old window settle
    -- against the old window, their budget_day). Windows only move forward: a
    -- transaction that began just before midnight but reaches the row after one
    -- that began after it is charged to the new day (counters and ledger row
    -- alike), never rolls the counters back.
    UPDATE tenant_budget u SET
        daily_spent_usd = CASE WHEN u.counter_day >= v_day THEN u.daily_spent_usd ELSE 0 END,
        daily_reserved_usd = CASE WHEN u.counter_day >= v_day THEN u.daily_reserved_usd ELSE 0 END + p_estimate,
        counter_day = greatest(u.counter_day, v_day),
        monthly_spent_usd = CASE WHEN u.counter_month >= v_month THEN u.monthly_spent_usd ELSE 0 END,
        monthly_reserved_usd = CASE WHEN u.counter_month >= v_month THEN u.monthly_reserved_usd ELSE 0 END + p_estimate,
        counter_month = greatest(u.counter_month, v_month),
        updated_at = v_now
    WHERE u.tenant_id = p_tenant
      AND CASE WHEN u.counter_day >= v_day THEN u.daily_spent_usd + u.daily_reserved_usd ELSE 0 END + p_estimate
          <= u.daily_usd_limit * v_mult
      AND CASE WHEN u.counter_month >= v_month THEN u.monthly_spent_usd + u.monthly_reserved_usd ELSE 0 END + p_estimate
          <= u.monthly_usd_limit * v_mult
    RETURNING * INTO t;
    IF FOUND THEN
        IF t.counter_day > v_day THEN
            UPDATE budget_ledger SET budget_day = t.counter_day WHERE tenant_id = p_tenant AND id = v_id;
        END IF;
        RETURN QUERY SELECT 'reserved'::text, v_id, NULL::text, NULL::numeric, NULL::numeric, NULL::numeric,
                            v_mult, NULL::text, NULL::integer, NULL::bytea;
        RETURN;
    END IF;

    -- Refused under the lock: undo the ledger row and report the window that failed.
    IF prior.id IS NOT NULL THEN
        UPDATE budget_ledger SET status = 'released' WHERE tenant_id = p_tenant AND id = v_id;
    ELSE
        DELETE FROM budget_ledger WHERE tenant_id = p_tenant AND id = v_id;
    END IF;
    SELECT * INTO t FROM tenant_budget WHERE tenant_id = p_tenant;
    d_spent := CASE WHEN t.counter_day >= v_day THEN t.daily_spent_usd ELSE 0 END;
    d_reserved := CASE WHEN t.counter_day >= v_day THEN t.daily_reserved_usd ELSE 0 END;
    IF d_spent + d_reserved + p_estimate > t.daily_usd_limit * v_mult THEN
        RETURN QUERY SELECT 'exceeded'::text, NULL::uuid, 'daily'::text, t.daily_usd_limit * v_mult,
                            d_spent, d_reserved, v_mult, NULL::text, NULL::integer, NULL::bytea;
        RETURN;
    END IF;
    RETURN QUERY SELECT 'exceeded'::text, NULL::uuid, 'monthly'::text, t.monthly_usd_limit * v_mult,
                        CASE WHEN t.counter_month >= v_month THEN t.monthly_spent_usd ELSE 0 END,
                        CASE WHEN t.counter_month >= v_month THEN t.monthly_reserved_usd ELSE 0 END,
                        v_mult, NULL::text, NULL::integer, NULL::bytea;
END;
$$;

-- budget_settle: the reservation becomes spent at `p_actual` (the estimate
-- when NULL). Idempotent: only a 'reserved' or 'expired' row changes, so a
-- retried settlement never counts twice. An 'expired' row (the reconciler gave
-- up on it) is still counted as spent: the mutation did run. The response and
-- the upstream's compensation (if any) are stored in the same transaction.
-- The ledger row is locked first and the tenant row last (held to commit only).
-- Returns the row's status before the call ('missing' when there is none).
CREATE FUNCTION budget_settle(
    p_tenant text, p_id uuid, p_actual numeric, p_actual_tokens bigint,
    p_response_status integer, p_response_body bytea, p_compensation jsonb, p_now timestamptz DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
-- Point lookups by key only: never let a fresh, unanalyzed ledger tempt the planner
-- into a sequential scan (the first minutes of a new deployment), nor a cached generic
-- plan into walking a hot tenant's rows through another index (measured: 2 ms per
-- settlement instead of 0.05 once a tenant had thousands of rows).
SET enable_seqscan = off
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_now  timestamptz := coalesce(p_now, now());
    r      budget_ledger;
    v_cost numeric;
BEGIN
    SELECT * INTO r FROM budget_ledger WHERE tenant_id = p_tenant AND id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'missing';
    END IF;
    IF r.status NOT IN ('reserved', 'expired') THEN
        RETURN r.status;
    END IF;
    v_cost := coalesce(p_actual, r.estimated_usd);
    UPDATE budget_ledger SET
        status = 'settled', actual_usd = v_cost, actual_tokens = coalesce(p_actual_tokens, r.estimated_tokens),
        settled_at = v_now, response_status = p_response_status, response_body = p_response_body
    WHERE tenant_id = p_tenant AND id = p_id;
    IF p_compensation IS NOT NULL THEN
        INSERT INTO compensation_log (tenant_id, correlation_id, ledger_id, operation_name, compensation)
        VALUES (p_tenant, r.correlation_id, r.id, r.operation_name, p_compensation);
    END IF;
    -- Only the window the reservation belongs to moves; after a rollover the
    -- old day's figures live in the ledger and budget_daily.
    UPDATE tenant_budget t SET
        daily_reserved_usd = CASE WHEN t.counter_day = r.budget_day AND r.status = 'reserved'
                                  THEN greatest(t.daily_reserved_usd - r.estimated_usd, 0) ELSE t.daily_reserved_usd END,
        daily_spent_usd = CASE WHEN t.counter_day = r.budget_day THEN t.daily_spent_usd + v_cost ELSE t.daily_spent_usd END,
        monthly_reserved_usd = CASE WHEN t.counter_month = date_trunc('month', r.budget_day)::date AND r.status = 'reserved'
                                    THEN greatest(t.monthly_reserved_usd - r.estimated_usd, 0) ELSE t.monthly_reserved_usd END,
        monthly_spent_usd = CASE WHEN t.counter_month = date_trunc('month', r.budget_day)::date
                                 THEN t.monthly_spent_usd + v_cost ELSE t.monthly_spent_usd END,
        updated_at = v_now
    WHERE t.tenant_id = p_tenant;
    RETURN r.status;
END;
$$;

-- budget_release: the upstream never answered, so nothing was spent. Only a
-- 'reserved' row changes (idempotent). Returns the status before the call.
CREATE FUNCTION budget_release(p_tenant text, p_id uuid, p_now timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
-- Point lookups by key only: never let a fresh, unanalyzed ledger tempt the planner
-- into a sequential scan (the first minutes of a new deployment), nor a cached generic
-- plan into walking a hot tenant's rows through another index (measured: 2 ms per
-- settlement instead of 0.05 once a tenant had thousands of rows).
SET enable_seqscan = off
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_now timestamptz := coalesce(p_now, now());
    r     budget_ledger;
BEGIN
    SELECT * INTO r FROM budget_ledger WHERE tenant_id = p_tenant AND id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'missing';
    END IF;
    IF r.status <> 'reserved' THEN
        RETURN r.status;
    END IF;
    UPDATE budget_ledger SET status = 'released' WHERE tenant_id = p_tenant AND id = p_id;
    UPDATE tenant_budget t SET
        daily_reserved_usd = CASE WHEN t.counter_day = r.budget_day
                                  THEN greatest(t.daily_reserved_usd - r.estimated_usd, 0) ELSE t.daily_reserved_usd END,
        monthly_reserved_usd = CASE WHEN t.counter_month = date_trunc('month', r.budget_day)::date
                                    THEN greatest(t.monthly_reserved_usd - r.estimated_usd, 0) ELSE t.monthly_reserved_usd END,
        updated_at = v_now
    WHERE t.tenant_id = p_tenant;
    RETURN r.status;
END;
$$;

-- budget_reserve_many: budget_reserve for several requests of one tenant at
-- once (the gateway groups concurrent requests of a hot tenant), taking the
-- tenant row lock once for all of them. Items (jsonb array, in arrival order):
-- {"estimate": "0.020000", "tokens": 200, "operation": …, "document_hash": …,
--  "correlation": …, "user": …}; requests with an Idempotency-Key go through
-- budget_reserve instead. Admits in order while both windows have room, so a
-- later small request may pass where an earlier large one did not. One result
-- row per item: item (0-based), outcome, and the fields of budget_reserve.
CREATE FUNCTION budget_reserve_many(
    p_tenant text, p_items jsonb, p_ttl_ms bigint, p_now timestamptz DEFAULT NULL
) RETURNS TABLE (
    item integer, outcome text, ledger_id uuid, budget_window text, limit_usd numeric, spent_usd numeric,
    reserved_usd numeric, multiplier numeric
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
    v_ok     boolean[] := array_fill(false, ARRAY[v_count]);
    v_refused uuid[] := '{}';
    t        tenant_budget;
    d_spent  numeric; d_reserved numeric; m_spent numeric; m_reserved numeric;
    d_limit  numeric; m_limit numeric;
    v_added  numeric := 0;
    v_new    uuid;
    i        integer;
    e        jsonb;
BEGIN
    SELECT coalesce(max(o.budget_multiplier), 1) INTO v_mult FROM budget_overrides o
    WHERE o.tenant_id = p_tenant AND o.status = 'active' AND o.expires_at > v_now;
    PERFORM 1 FROM tenant_budget WHERE tenant_id = p_tenant;
    IF NOT FOUND THEN
        RETURN QUERY SELECT g.i - 1, 'unknown'::text, NULL::uuid, 'daily'::text, 0::numeric, 0::numeric, 0::numeric, 1::numeric
                     FROM generate_series(1, v_count) AS g(i);
        RETURN;
    END IF;

    -- The ledger rows, before the tenant lock.
    FOR i IN 1..v_count LOOP
        e := p_items -> (i - 1);
        v_est[i] := (e ->> 'estimate')::numeric;
        INSERT INTO budget_ledger (
            tenant_id, created_at, budget_day, status, operation_name, document_hash, estimated_usd,
            estimated_tokens, correlation_id, user_id, expires_at
        ) VALUES (
            p_tenant, v_now, v_day, 'reserved', e ->> 'operation', e ->> 'document_hash', v_est[i],
            coalesce((e ->> 'tokens')::bigint, 0), e ->> 'correlation', e ->> 'user',
            v_now + make_interval(secs => p_ttl_ms / 1000.0)
        ) RETURNING id INTO v_new;
        v_ids[i] := v_new;
    END LOOP;

    -- One lock for the whole batch, held to commit. NO KEY UPDATE: the ledger
    -- rows' foreign keys hold KEY SHARE on this row, which FOR UPDATE would
    -- wait on (and deadlock with concurrent batches doing the same).
    SELECT * INTO t FROM tenant_budget WHERE tenant_id = p_tenant FOR NO KEY UPDATE;
    -- Windows only move forward (see budget_reserve): a batch that began before
    -- midnight but locks after a newer window was opened is charged to it.
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
        IF d_spent + d_reserved + v_added + v_est[i] > d_limit THEN
            item := i - 1; outcome := 'exceeded'; ledger_id := NULL; budget_window := 'daily';
            limit_usd := d_limit; spent_usd := d_spent; reserved_usd := d_reserved + v_added; multiplier := v_mult;
            v_refused := v_refused || v_ids[i];
        ELSIF m_spent + m_reserved + v_added + v_est[i] > m_limit THEN
            item := i - 1; outcome := 'exceeded'; ledger_id := NULL; budget_window := 'monthly';
            limit_usd := m_limit; spent_usd := m_spent; reserved_usd := m_reserved + v_added; multiplier := v_mult;
            v_refused := v_refused || v_ids[i];
        ELSE
            v_added := v_added + v_est[i];
            item := i - 1; outcome := 'reserved'; ledger_id := v_ids[i]; budget_window := NULL;
            limit_usd := NULL; spent_usd := NULL; reserved_usd := NULL; multiplier := v_mult;
        END IF;
        RETURN NEXT;
    END LOOP;
    UPDATE tenant_budget SET
        counter_day = v_day, daily_spent_usd = d_spent, daily_reserved_usd = d_reserved + v_added,
        counter_month = v_month, monthly_spent_usd = m_spent, monthly_reserved_usd = m_reserved + v_added,
        updated_at = v_now
    WHERE tenant_id = p_tenant;
    IF cardinality(v_refused) > 0 THEN
        DELETE FROM budget_ledger WHERE tenant_id = p_tenant AND id = ANY (v_refused);
    END IF;
END;
$$;

-- budget_settle_many: budget_settle for several reservations of one tenant,
-- with the tenant row lock taken once. Items: {"id", "actual" (decimal text or
-- null), "tokens", "status", "body" (base64 or null), "compensation" (object
-- or null)}. Returns each id with its status before the call.
CREATE FUNCTION budget_settle_many(p_tenant text, p_items jsonb, p_now timestamptz DEFAULT NULL)
RETURNS TABLE (ledger_id uuid, prior text)
LANGUAGE plpgsql
-- Point lookups by key only: never let a fresh, unanalyzed ledger tempt the planner
-- into a sequential scan (the first minutes of a new deployment), nor a cached generic
-- plan into walking a hot tenant's rows through another index (measured: 2 ms per
-- settlement instead of 0.05 once a tenant had thousands of rows).
SET enable_seqscan = off
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_now timestamptz := coalesce(p_now, now());
    e     jsonb;
    r     budget_ledger;
    v_cost numeric;
    d_res numeric := 0; d_spent numeric := 0; m_res numeric := 0; m_spent numeric := 0;
    t     tenant_budget;
BEGIN
    SELECT * INTO t FROM tenant_budget WHERE tenant_id = p_tenant;
    FOR e IN SELECT value FROM jsonb_array_elements(p_items) LOOP
        SELECT * INTO r FROM budget_ledger WHERE tenant_id = p_tenant AND id = (e ->> 'id')::uuid FOR UPDATE;
        IF NOT FOUND THEN
            ledger_id := (e ->> 'id')::uuid; prior := 'missing'; RETURN NEXT; CONTINUE;
        END IF;
        ledger_id := r.id; prior := r.status;
        RETURN NEXT;
        IF r.status NOT IN ('reserved', 'expired') THEN CONTINUE; END IF;
        v_cost := coalesce((e ->> 'actual')::numeric, r.estimated_usd);
        UPDATE budget_ledger SET
            status = 'settled', actual_usd = v_cost,
            actual_tokens = coalesce((e ->> 'tokens')::bigint, r.estimated_tokens), settled_at = v_now,
            response_status = (e ->> 'status')::integer, response_body = decode(e ->> 'body', 'base64')
        WHERE tenant_id = p_tenant AND id = r.id;
        IF e -> 'compensation' IS NOT NULL AND jsonb_typeof(e -> 'compensation') = 'object' THEN
            INSERT INTO compensation_log (tenant_id, correlation_id, ledger_id, operation_name, compensation)
            VALUES (p_tenant, r.correlation_id, r.id, r.operation_name, e -> 'compensation');
        END IF;
        -- Sums for the windows the rows belong to, applied in one UPDATE below.
        IF t.counter_day = r.budget_day THEN
            d_spent := d_spent + v_cost;
            IF r.status = 'reserved' THEN d_res := d_res + r.estimated_usd; END IF;
        END IF;
        IF t.counter_month = date_trunc('month', r.budget_day)::date THEN
            m_spent := m_spent + v_cost;
            IF r.status = 'reserved' THEN m_res := m_res + r.estimated_usd; END IF;
        END IF;
    END LOOP;
    -- The tenant row last. Its counter window is re-checked under the lock: a
    -- reservation that rolled the window over meanwhile leaves these sums out.
    UPDATE tenant_budget u SET
        daily_reserved_usd = CASE WHEN u.counter_day = t.counter_day THEN greatest(u.daily_reserved_usd - d_res, 0) ELSE u.daily_reserved_usd END,
        daily_spent_usd = CASE WHEN u.counter_day = t.counter_day THEN u.daily_spent_usd + d_spent ELSE u.daily_spent_usd END,
        monthly_reserved_usd = CASE WHEN u.counter_month = t.counter_month THEN greatest(u.monthly_reserved_usd - m_res, 0) ELSE u.monthly_reserved_usd END,
        monthly_spent_usd = CASE WHEN u.counter_month = t.counter_month THEN u.monthly_spent_usd + m_spent ELSE u.monthly_spent_usd END,
        updated_at = v_now
    WHERE u.tenant_id = p_tenant;
END;
$$;

-- budget_reserve_batch / budget_settle_batch: the *_many functions for items
-- of several tenants in one round trip and one commit (items carry "tenant").
-- Tenants are taken in sorted order, so concurrent batches lock budget rows in
-- the same order and cannot deadlock each other. `item` is the index in p_items.
CREATE FUNCTION budget_reserve_batch(p_items jsonb, p_ttl_ms bigint, p_now timestamptz DEFAULT NULL)
RETURNS TABLE (
    item integer, outcome text, ledger_id uuid, budget_window text, limit_usd numeric, spent_usd numeric,
    reserved_usd numeric, multiplier numeric
)
LANGUAGE plpgsql
AS $$
DECLARE
    g record;
    r record;
BEGIN
    -- One pass groups the items by tenant (arrival order kept inside a group).
    FOR g IN
        SELECT x.e ->> 'tenant' AS tenant, jsonb_agg(x.e ORDER BY x.ord) AS items,
               array_agg((x.ord - 1)::integer ORDER BY x.ord) AS indexes
        FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, ord)
        GROUP BY 1 ORDER BY 1
    LOOP
        FOR r IN SELECT * FROM budget_reserve_many(g.tenant, g.items, p_ttl_ms, p_now) LOOP
            item := g.indexes[r.item + 1]; outcome := r.outcome; ledger_id := r.ledger_id;
            budget_window := r.budget_window; limit_usd := r.limit_usd; spent_usd := r.spent_usd;
            reserved_usd := r.reserved_usd; multiplier := r.multiplier;
            RETURN NEXT;
        END LOOP;
    END LOOP;
END;
$$;

CREATE FUNCTION budget_settle_batch(p_items jsonb, p_now timestamptz DEFAULT NULL)
RETURNS TABLE (ledger_id uuid, prior text)
LANGUAGE plpgsql
AS $$
DECLARE
    g record;
BEGIN
    FOR g IN
        SELECT x.e ->> 'tenant' AS tenant, jsonb_agg(x.e ORDER BY x.ord) AS items
        FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, ord)
        GROUP BY 1 ORDER BY 1
    LOOP
        RETURN QUERY SELECT * FROM budget_settle_many(g.tenant, g.items, p_now);
    END LOOP;
END;
$$;
