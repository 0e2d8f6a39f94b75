-- reconcile_daily_budget(tenant, day): expire stale reservations, roll the
-- ledger up into budget_daily, and bring the live counters of tenant_budget
-- back in line with the ledger (the ledger is the truth). Returns the rollup
-- row, so `SELECT reconcile_daily_budget('demo', CURRENT_DATE);` shows it.
CREATE FUNCTION reconcile_daily_budget(p_tenant_id text, p_day date)
RETURNS budget_daily
LANGUAGE plpgsql
AS $$
DECLARE
    result budget_daily;
    month_start date := date_trunc('month', p_day)::date;
BEGIN
    -- Lock the tenant's row first: reservations update it, so none can slip
    -- in between the sums below and the counter rewrite.
    PERFORM 1 FROM tenant_budget WHERE tenant_id = p_tenant_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown tenant %', p_tenant_id USING ERRCODE = 'no_data_found';
    END IF;

    UPDATE budget_ledger SET status = 'expired'
    WHERE tenant_id = p_tenant_id AND status = 'reserved' AND expires_at < now();

    INSERT INTO budget_daily AS d (
        tenant_id, budget_day, spent_usd, reserved_usd, spent_tokens,
        request_count, released_count, expired_count, daily_limit_usd, reconciled_at
    )
    SELECT t.tenant_id, p_day,
           coalesce(sum(coalesce(l.actual_usd, l.estimated_usd)) FILTER (WHERE l.status = 'settled'), 0),
           coalesce(sum(l.estimated_usd) FILTER (WHERE l.status = 'reserved'), 0),
           coalesce(sum(coalesce(l.actual_tokens, l.estimated_tokens)) FILTER (WHERE l.status = 'settled'), 0),
           count(l.id),
           count(l.id) FILTER (WHERE l.status = 'released'),
           count(l.id) FILTER (WHERE l.status = 'expired'),
           t.daily_usd_limit,
           now()
    FROM tenant_budget t
    LEFT JOIN budget_ledger l ON l.tenant_id = t.tenant_id AND l.budget_day = p_day
    WHERE t.tenant_id = p_tenant_id
    GROUP BY t.tenant_id, t.daily_usd_limit
    ON CONFLICT (tenant_id, budget_day) DO UPDATE SET
        spent_usd = EXCLUDED.spent_usd,
        reserved_usd = EXCLUDED.reserved_usd,
        spent_tokens = EXCLUDED.spent_tokens,
        request_count = EXCLUDED.request_count,
        released_count = EXCLUDED.released_count,
        expired_count = EXCLUDED.expired_count,
        daily_limit_usd = EXCLUDED.daily_limit_usd,
        reconciled_at = EXCLUDED.reconciled_at
    RETURNING d.* INTO result;

    UPDATE tenant_budget t SET
        daily_spent_usd = CASE WHEN t.counter_day = p_day THEN result.spent_usd ELSE t.daily_spent_usd END,
        daily_reserved_usd = CASE WHEN t.counter_day = p_day THEN result.reserved_usd ELSE t.daily_reserved_usd END,
        monthly_spent_usd = CASE WHEN t.counter_month = month_start THEN (
            SELECT coalesce(sum(coalesce(m.actual_usd, m.estimated_usd)), 0) FROM budget_ledger m
            WHERE m.tenant_id = p_tenant_id AND m.status = 'settled'
              AND m.budget_day >= month_start AND m.budget_day < (month_start + interval '1 month')::date
        ) ELSE t.monthly_spent_usd END,
        monthly_reserved_usd = CASE WHEN t.counter_month = month_start THEN (
            SELECT coalesce(sum(m.estimated_usd), 0) FROM budget_ledger m
            WHERE m.tenant_id = p_tenant_id AND m.status = 'reserved'
              AND m.budget_day >= month_start AND m.budget_day < (month_start + interval '1 month')::date
        ) ELSE t.monthly_reserved_usd END,
        updated_at = now()
    WHERE t.tenant_id = p_tenant_id;

    RETURN result;
END;
$$;

-- One row per tenant and day: reconciled days from budget_daily, plus a live
-- row for the tenant's current counter day when it has not been reconciled yet.
CREATE VIEW budget_status AS
    SELECT d.tenant_id,
           d.budget_day AS date_calculated,
           d.spent_usd AS daily_spent_usd,
           d.reserved_usd AS daily_reserved_usd,
           t.daily_usd_limit AS daily_limit_usd,
           (SELECT sum(m.spent_usd) FROM budget_daily m
             WHERE m.tenant_id = d.tenant_id
               AND m.budget_day >= date_trunc('month', d.budget_day)::date
               AND m.budget_day <= d.budget_day) AS monthly_spent_usd,
           t.monthly_usd_limit AS monthly_limit_usd,
           t.canary,
           t.environment,
           t.alert_threshold,
           CASE WHEN t.daily_usd_limit > 0 THEN round(d.spent_usd / t.daily_usd_limit, 6) END AS daily_utilization,
           d.reconciled_at
    FROM budget_daily d
    JOIN tenant_budget t ON t.tenant_id = d.tenant_id
    UNION ALL
    SELECT t.tenant_id,
           t.counter_day,
           t.daily_spent_usd,
           t.daily_reserved_usd,
           t.daily_usd_limit,
           t.monthly_spent_usd,
           t.monthly_usd_limit,
           t.canary,
           t.environment,
           t.alert_threshold,
           CASE WHEN t.daily_usd_limit > 0 THEN round(t.daily_spent_usd / t.daily_usd_limit, 6) END,
           NULL::timestamptz
    FROM tenant_budget t
    WHERE NOT EXISTS (
        SELECT 1 FROM budget_daily d WHERE d.tenant_id = t.tenant_id AND d.budget_day = t.counter_day
    );
