-- Budget ledger schema (SPEC §4). Money is numeric(20,6): exact, six decimals;
-- Swift reads it as integer micro-dollars. Every per-tenant table's key leads
-- with tenant_id so the schema distributes by tenant (Citus) unchanged, and
-- every hot-path statement filters on one tenant.

-- Limits, class and the running counters the one-round-trip reservation
-- updates (spent/reserved for the current UTC day and month).
CREATE TABLE tenant_budget (
    tenant_id            text PRIMARY KEY CHECK (tenant_id <> ''),
    environment          text NOT NULL DEFAULT 'production',
    tenant_class         text NOT NULL DEFAULT 'default',
    canary               boolean NOT NULL DEFAULT false,
    daily_usd_limit      numeric(20,6) NOT NULL CHECK (daily_usd_limit >= 0),
    monthly_usd_limit    numeric(20,6) NOT NULL CHECK (monthly_usd_limit >= 0),
    alert_threshold      numeric(5,4) NOT NULL DEFAULT 0.80 CHECK (alert_threshold > 0 AND alert_threshold <= 1),
    counter_day          date NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')::date,
    daily_spent_usd      numeric(20,6) NOT NULL DEFAULT 0 CHECK (daily_spent_usd >= 0),
    daily_reserved_usd   numeric(20,6) NOT NULL DEFAULT 0 CHECK (daily_reserved_usd >= 0),
    counter_month        date NOT NULL DEFAULT date_trunc('month', now() AT TIME ZONE 'UTC')::date,
    monthly_spent_usd    numeric(20,6) NOT NULL DEFAULT 0 CHECK (monthly_spent_usd >= 0),
    monthly_reserved_usd numeric(20,6) NOT NULL DEFAULT 0 CHECK (monthly_reserved_usd >= 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_budget_canary_idx ON tenant_budget (canary) WHERE canary;

-- The runbooks' name for the limits: a simple view over one table, which
-- Postgres makes automatically updatable, so
-- `UPDATE budget_limits SET daily_usd_limit = … WHERE … AND environment = 'canary'` works.
CREATE VIEW budget_limits AS
    SELECT tenant_id, environment, daily_usd_limit, monthly_usd_limit, updated_at
    FROM tenant_budget;

-- One row per admitted mutation: reserved at admission, then settled to the
-- actual cost, released on upstream failure, or expired by the reconciler.
CREATE TABLE budget_ledger (
    tenant_id         text NOT NULL REFERENCES tenant_budget (tenant_id),
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    budget_day        date NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')::date,
    status            text NOT NULL DEFAULT 'reserved'
                      CHECK (status IN ('reserved', 'settled', 'released', 'expired')),
    operation_name    text,
    operation_type    text NOT NULL DEFAULT 'mutation',
    document_hash     text,
    estimated_usd     numeric(20,6) NOT NULL CHECK (estimated_usd >= 0),
    estimated_tokens  bigint NOT NULL DEFAULT 0 CHECK (estimated_tokens >= 0),
    actual_usd        numeric(20,6) CHECK (actual_usd >= 0),
    actual_tokens     bigint CHECK (actual_tokens >= 0),
    correlation_id    text NOT NULL,
    idempotency_key   text,
    user_id           text,
    expires_at        timestamptz NOT NULL DEFAULT now() + interval '5 minutes',
    settled_at        timestamptz,
    PRIMARY KEY (tenant_id, id),
    CHECK (status <> 'settled' OR settled_at IS NOT NULL)
);
CREATE UNIQUE INDEX budget_ledger_idempotency_idx ON budget_ledger (tenant_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX budget_ledger_tenant_created_idx ON budget_ledger (tenant_id, created_at DESC);
CREATE INDEX budget_ledger_tenant_day_idx ON budget_ledger (tenant_id, budget_day, status);
CREATE INDEX budget_ledger_stale_idx ON budget_ledger (tenant_id, expires_at) WHERE status = 'reserved';
CREATE INDEX budget_ledger_correlation_idx ON budget_ledger (tenant_id, correlation_id);

-- Temporary limit multipliers (≤ 3×, ≤ 24 h; ≥ 2× needs a second admin).
CREATE TABLE budget_overrides (
    tenant_id          text NOT NULL REFERENCES tenant_budget (tenant_id),
    id                 uuid NOT NULL DEFAULT gen_random_uuid(),
    budget_multiplier  numeric(6,3) NOT NULL CHECK (budget_multiplier > 0 AND budget_multiplier <= 3),
    note               text NOT NULL DEFAULT '',
    status             text NOT NULL DEFAULT 'active'
                       CHECK (status IN ('pending_approval', 'active', 'revoked', 'expired')),
    requested_by       text NOT NULL,
    approved_by        text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    expires_at         timestamptz NOT NULL,
    revoked_at         timestamptz,
    revoked_by         text,
    PRIMARY KEY (tenant_id, id),
    CHECK (expires_at > created_at),
    CHECK (approved_by IS NULL OR approved_by <> requested_by)
);
CREATE INDEX budget_overrides_active_idx ON budget_overrides (tenant_id, expires_at) WHERE status = 'active';
CREATE INDEX budget_overrides_id_idx ON budget_overrides (id);

-- Four-eyes: a stored request and the approvals it gathers.
CREATE TABLE approval_requests (
    tenant_id         text NOT NULL,
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    requester_id      text NOT NULL,
    operation_name    text,
    document_hash     text NOT NULL,
    variables_hash    text NOT NULL,
    estimated_usd     numeric(20,6) NOT NULL DEFAULT 0 CHECK (estimated_usd >= 0),
    estimated_tokens  bigint NOT NULL DEFAULT 0,
    reasons           jsonb NOT NULL DEFAULT '[]',
    risk_tags         text[] NOT NULL DEFAULT '{}',
    target_tenants    text[] NOT NULL DEFAULT '{}',
    status            text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'approved', 'rejected', 'used', 'expired')),
    correlation_id    text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    used_at           timestamptz,
    PRIMARY KEY (tenant_id, id),
    CHECK (expires_at > created_at)
);
CREATE INDEX approval_requests_pending_idx ON approval_requests (status, created_at) WHERE status = 'pending';
CREATE INDEX approval_requests_id_idx ON approval_requests (id);
CREATE INDEX approval_requests_match_idx ON approval_requests (tenant_id, document_hash, variables_hash);

CREATE TABLE approvals (
    tenant_id       text NOT NULL,
    request_id      uuid NOT NULL,
    approver_id     text NOT NULL,
    approver_roles  text[] NOT NULL DEFAULT '{}',
    decision        text NOT NULL CHECK (decision IN ('approve', 'reject')),
    note            text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, request_id, approver_id),
    FOREIGN KEY (tenant_id, request_id) REFERENCES approval_requests (tenant_id, id)
);

-- The allowlist of operation documents by SHA-256 (global, not per tenant).
CREATE TABLE persisted_queries (
    hash            text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
    operation_name  text,
    operation_type  text,
    body            text,
    source          text NOT NULL DEFAULT 'admin',
    added_by        text,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Inverse mutations reported by the upstream, replayed by `safemut compensate`.
CREATE TABLE compensation_log (
    tenant_id       text NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    correlation_id  text NOT NULL,
    ledger_id       uuid,
    operation_name  text,
    compensation    jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'replayed', 'failed', 'skipped')),
    replayed_at     timestamptz,
    replay_error    text,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX compensation_log_created_idx ON compensation_log (created_at DESC);

-- Every canary limit escalation decision (dry runs included).
CREATE TABLE canary_escalations (
    tenant_id          text NOT NULL REFERENCES tenant_budget (tenant_id),
    id                 uuid NOT NULL DEFAULT gen_random_uuid(),
    created_at         timestamptz NOT NULL DEFAULT now(),
    from_daily_usd     numeric(20,6) NOT NULL,
    to_daily_usd       numeric(20,6) NOT NULL,
    from_monthly_usd   numeric(20,6) NOT NULL,
    to_monthly_usd     numeric(20,6) NOT NULL,
    clean_days         integer NOT NULL CHECK (clean_days >= 0),
    dry_run            boolean NOT NULL,
    applied            boolean NOT NULL DEFAULT false,
    decided_by         text NOT NULL,
    reason             text,
    PRIMARY KEY (tenant_id, id)
);

-- Daily rollup written by reconcile_daily_budget(tenant, day).
CREATE TABLE budget_daily (
    tenant_id        text NOT NULL REFERENCES tenant_budget (tenant_id),
    budget_day       date NOT NULL,
    spent_usd        numeric(20,6) NOT NULL DEFAULT 0,
    reserved_usd     numeric(20,6) NOT NULL DEFAULT 0,
    spent_tokens     bigint NOT NULL DEFAULT 0,
    request_count    bigint NOT NULL DEFAULT 0,
    released_count   bigint NOT NULL DEFAULT 0,
    expired_count    bigint NOT NULL DEFAULT 0,
    daily_limit_usd  numeric(20,6) NOT NULL,
    reconciled_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, budget_day)
);
