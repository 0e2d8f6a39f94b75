-- The three canary tenants of the rollout guide: $25/day, $750/month, alert at 80 %.
INSERT INTO tenant_budget (tenant_id, environment, tenant_class, canary, daily_usd_limit, monthly_usd_limit, alert_threshold)
VALUES
    ('test',             'canary', 'canary', true, 25.000000, 750.000000, 0.80),
    ('demo',             'canary', 'canary', true, 25.000000, 750.000000, 0.80),
    ('maestro-internal', 'canary', 'canary', true, 25.000000, 750.000000, 0.80)
ON CONFLICT (tenant_id) DO NOTHING;
