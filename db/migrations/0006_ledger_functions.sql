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
    d_spent := CASE WHEN t.counter_day = v_day THEN t.daily_spent_usd ELSE 0 END;
    d_reserved := CASE WHEN t.counter_day = v_day THEN t.daily_reserved_usd ELSE 0 END;
    m_spent := CASE WHEN t.counter_month = v_month THEN t.monthly_spent_usd ELSE 0 END;
    m_reserved := CASE WHEN t.counter_month = v_month THEN t.monthly_reserved_usd ELSE 0 END;
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
    -- against the old window, their budget_day).
    UPDATE tenant_budget u SET
        daily_spent_usd = CASE WHEN u.counter_day = v_day THEN u.daily_spent_usd ELSE 0 END,
        daily_reserved_usd = CASE WHEN u.counter_day = v_day THEN u.daily_reserved_usd ELSE 0 END + p_estimate,
        counter_day = v_day,
        monthly_spent_usd = CASE WHEN u.counter_month = v_month THEN u.monthly_spent_usd ELSE 0 END,
        monthly_reserved_usd = CASE WHEN u.counter_month = v_month THEN u.monthly_reserved_usd ELSE 0 END + p_estimate,
        counter_month = v_month,
        updated_at = v_now
    WHERE u.tenant_id = p_tenant
      AND CASE WHEN u.counter_day = v_day THEN u.daily_spent_usd + u.daily_reserved_usd ELSE 0 END + p_estimate
          <= u.daily_usd_limit * v_mult
      AND CASE WHEN u.counter_month = v_month THEN u.monthly_spent_usd + u.monthly_reserved_usd ELSE 0 END + p_estimate
          <= u.monthly_usd_limit * v_mult
    RETURNING * INTO t;
    IF FOUND THEN
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
    d_spent := CASE WHEN t.counter_day = v_day THEN t.daily_spent_usd ELSE 0 END;
    d_reserved := CASE WHEN t.counter_day = v_day THEN t.daily_reserved_usd ELSE 0 END;
    IF d_spent + d_reserved + p_estimate > t.daily_usd_limit * v_mult THEN
        RETURN QUERY SELECT 'exceeded'::text, NULL::uuid, 'daily'::text, t.daily_usd_limit * v_mult,
                            d_spent, d_reserved, v_mult, NULL::text, NULL::integer, NULL::bytea;
        RETURN;
    END IF;
    RETURN QUERY SELECT 'exceeded'::text, NULL::uuid, 'monthly'::text, t.monthly_usd_limit * v_mult,
                        CASE WHEN t.counter_month = v_month THEN t.monthly_spent_usd ELSE 0 END,
                        CASE WHEN t.counter_month = v_month THEN t.monthly_reserved_usd ELSE 0 END,
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
