-- Issue 17 (SPEC §12): the cost downshift ladder's shared state. Like the cutover's: one
-- control row whose version is the Redis broadcast's and the 1 s poll's token; every
-- change leaves a history row and an audit row.
CREATE TABLE downshift_control (
    id                 smallint    PRIMARY KEY CHECK (id = 1),
    version            bigint      NOT NULL DEFAULT 0,
    -- The tier an operator set (wins while it lasts), with why, who and until when.
    manual_tier        smallint    CHECK (manual_tier BETWEEN 0 AND 6),
    manual_reason      text,
    manual_by          text,
    manual_since       timestamptz,
    manual_expires     timestamptz,
    -- The tier the money burn chose, since when, why, and since when the burn has been
    -- low enough to leave it (hysteresis).
    auto_tier          smallint    NOT NULL DEFAULT 0 CHECK (auto_tier BETWEEN 0 AND 6),
    auto_since         timestamptz NOT NULL DEFAULT now(),
    auto_reason        text        NOT NULL DEFAULT '',
    auto_low_since     timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((manual_tier IS NULL) = (manual_since IS NULL))
);
INSERT INTO downshift_control (id) VALUES (1);

CREATE TABLE downshift_history (
    id         bigserial   PRIMARY KEY,
    event      text        NOT NULL,
    tier       smallint    NOT NULL,
    actor      text        NOT NULL,
    reason     text,
    detail     jsonb       NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now()
);

-- The synthetic checks run as a marked ledger account: billed like any tenant (the chain is
-- the real one), left out of the FinOps burn that drives the ladder and of gate G6. The
-- gateway creates the account (downshift.synthetic_tenant) when checks are configured.
ALTER TABLE tenant_budget ADD COLUMN synthetic boolean NOT NULL DEFAULT false;

-- "Had ledger activity before the tier began" (tier 5 protect) is answered by the existing
-- budget_ledger_tenant_created_idx (tenant_id, created_at DESC).
