-- The ledger's request-path functions (issue 5): reserve, settle, release.
-- Each is one round trip from the gateway and one transaction here. Every
-- function locks the tenant's tenant_budget row first, then ledger rows, the
-- same order reconcile_daily_budget uses, so they cannot deadlock each other.
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
    v_now   timestamptz := coalesce(p_now, now());
    v_day   date := (v_now AT TIME ZONE 'UTC')::date;
    v_month date := date_trunc('month', v_now AT TIME ZONE 'UTC')::date;
    t       tenant_budget;
    prior   budget_ledger;
    v_mult  numeric;
    v_id    uuid;
BEGIN
    SELECT * INTO t FROM tenant_budget WHERE tenant_id = p_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'unknown'::text, NULL::uuid, 'daily'::text, 0::numeric, 0::numeric, 0::numeric,
                            1::numeric, NULL::text, NULL::integer, NULL::bytea;
        RETURN;
    END IF;

    -- A new day or month starts its counters at zero; reservations of the old
    -- window settle against the old window (their budget_day), not these.
    IF t.counter_day <> v_day THEN
        t.counter_day := v_day; t.daily_spent_usd := 0; t.daily_reserved_usd := 0;
    END IF;
    IF t.counter_month <> v_month THEN
        t.counter_month := v_month; t.monthly_spent_usd := 0; t.monthly_reserved_usd := 0;
    END IF;

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

    SELECT coalesce(max(o.budget_multiplier), 1) INTO v_mult FROM budget_overrides o
    WHERE o.tenant_id = p_tenant AND o.status = 'active' AND o.expires_at > v_now;

    IF t.daily_spent_usd + t.daily_reserved_usd + p_estimate > t.daily_usd_limit * v_mult THEN
        RETURN QUERY SELECT 'exceeded'::text, NULL::uuid, 'daily'::text, t.daily_usd_limit * v_mult,
                            t.daily_spent_usd, t.daily_reserved_usd, v_mult, NULL::text, NULL::integer, NULL::bytea;
        RETURN;
    END IF;
    IF t.monthly_spent_usd + t.monthly_reserved_usd + p_estimate > t.monthly_usd_limit * v_mult THEN
        RETURN QUERY SELECT 'exceeded'::text, NULL::uuid, 'monthly'::text, t.monthly_usd_limit * v_mult,
                            t.monthly_spent_usd, t.monthly_reserved_usd, v_mult, NULL::text, NULL::integer, NULL::bytea;
        RETURN;
    END IF;

    IF prior.id IS NOT NULL THEN
        UPDATE budget_ledger SET
            status = 'reserved', budget_day = v_day, created_at = v_now, estimated_usd = p_estimate,
            estimated_tokens = p_tokens, correlation_id = p_correlation, user_id = p_user,
            expires_at = v_now + make_interval(secs => p_ttl_ms / 1000.0),
            actual_usd = NULL, actual_tokens = NULL, settled_at = NULL, response_status = NULL, response_body = NULL
        WHERE tenant_id = p_tenant AND id = prior.id;
        v_id := prior.id;
    ELSE
        INSERT INTO budget_ledger (
            tenant_id, created_at, budget_day, status, operation_name, document_hash, estimated_usd,
            estimated_tokens, correlation_id, idempotency_key, user_id, expires_at
        ) VALUES (
            p_tenant, v_now, v_day, 'reserved', p_operation, p_document_hash, p_estimate,
            p_tokens, p_correlation, p_idempotency_key, p_user, v_now + make_interval(secs => p_ttl_ms / 1000.0)
        ) RETURNING id INTO v_id;
    END IF;

    UPDATE tenant_budget SET
        counter_day = t.counter_day, daily_spent_usd = t.daily_spent_usd,
        daily_reserved_usd = t.daily_reserved_usd + p_estimate,
        counter_month = t.counter_month, monthly_spent_usd = t.monthly_spent_usd,
        monthly_reserved_usd = t.monthly_reserved_usd + p_estimate,
        updated_at = v_now
    WHERE tenant_id = p_tenant;

    RETURN QUERY SELECT 'reserved'::text, v_id, NULL::text, NULL::numeric, NULL::numeric, NULL::numeric,
                        v_mult, NULL::text, NULL::integer, NULL::bytea;
END;
$$;

-- budget_settle: the reservation becomes spent at `p_actual` (the estimate
-- when NULL). Idempotent: only a 'reserved' or 'expired' row changes, so a
-- retried settlement never counts twice. An 'expired' row (the reconciler gave
-- up on it) is still counted as spent: the mutation did run. The response and
-- the upstream's compensation (if any) are stored in the same transaction.
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
    PERFORM 1 FROM tenant_budget WHERE tenant_id = p_tenant FOR UPDATE;
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
    IF p_compensation IS NOT NULL THEN
        INSERT INTO compensation_log (tenant_id, correlation_id, ledger_id, operation_name, compensation)
        VALUES (p_tenant, r.correlation_id, r.id, r.operation_name, p_compensation);
    END IF;
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
    PERFORM 1 FROM tenant_budget WHERE tenant_id = p_tenant FOR UPDATE;
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
