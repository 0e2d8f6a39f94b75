-- Canary escalation (issue 5, SPEC §4): which UTC days count as clean.
--
-- A canary tenant's day is clean when all of these hold:
--   * it has a budget_daily rollup row (the reconciler ran that day, so the day was
--     observed; a day without one is unknown, and unknown is not clean);
--   * spent_usd <= daily_limit_usd in that row (the base limit, not an override's
--     multiple: a day that needed an override to fit is not clean);
--   * no audit_log row with action 'budget.denial_storm' for the tenant that day;
--   * no audit_log row with action 'rollback' (or 'rollback.*') that day, for the tenant
--     or with no tenant (a deployment-wide rollback taints every canary).
-- Today is still running, so escalation counts complete days (yesterday backwards) and
-- only asks of today that it is not already dirty (no rollup needed yet).
-- Used by the escalation worker and readable by anyone (`canary-status`, psql).

-- Why p_day was not clean for p_tenant_id, or NULL when it was.
CREATE FUNCTION canary_day_dirt(p_tenant_id text, p_day date, p_require_rollup boolean DEFAULT true)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN d.tenant_id IS NULL AND p_require_rollup THEN 'no budget_daily rollup'
        WHEN d.spent_usd > d.daily_limit_usd THEN 'over its daily limit'
        WHEN EXISTS (
            SELECT 1 FROM audit_log a
            WHERE a.tenant_id = p_tenant_id AND a.action = 'budget.denial_storm'
              AND a.created_at >= p_day::timestamp AT TIME ZONE 'UTC'
              AND a.created_at < (p_day + 1)::timestamp AT TIME ZONE 'UTC'
        ) THEN 'budget denial storm'
        WHEN EXISTS (
            SELECT 1 FROM audit_log a
            WHERE (a.tenant_id = p_tenant_id OR a.tenant_id IS NULL)
              AND (a.action = 'rollback' OR a.action LIKE 'rollback.%')
              AND a.created_at >= p_day::timestamp AT TIME ZONE 'UTC'
              AND a.created_at < (p_day + 1)::timestamp AT TIME ZONE 'UTC'
        ) THEN 'rollback'
    END
    FROM (SELECT 1) AS one
    LEFT JOIN budget_daily d ON d.tenant_id = p_tenant_id AND d.budget_day = p_day
$$;

-- Consecutive clean days ending the day before p_today, counted up to p_max; with the
-- first day (walking back) that was not clean and why (NULL when p_max were all clean).
CREATE FUNCTION canary_clean_days(p_tenant_id text, p_today date, p_max integer)
RETURNS TABLE (clean_days integer, broken_on date, broken_by text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    dirt text;
BEGIN
    FOR i IN 1..greatest(p_max, 0) LOOP
        dirt := canary_day_dirt(p_tenant_id, p_today - i);
        IF dirt IS NOT NULL THEN
            RETURN QUERY SELECT i - 1, p_today - i, dirt;
            RETURN;
        END IF;
    END LOOP;
    RETURN QUERY SELECT greatest(p_max, 0), NULL::date, NULL::text;
END;
$$;

-- The escalation worker looks up today's decisions per tenant (dry-run de-duplication).
CREATE INDEX canary_escalations_tenant_created_idx ON canary_escalations (tenant_id, created_at DESC);
