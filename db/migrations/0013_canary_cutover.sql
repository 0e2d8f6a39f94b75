-- The canary cutover's shared state (issue 15, SPEC §10): every replica routes by it,
-- changes are serialised on the one canary_control row (its version is the broadcast and
-- the 1 s poll's token), and every change leaves a history row and an audit row.

-- One row: the kill switch and the cutover that routes traffic now.
CREATE TABLE canary_control (
    id                  smallint    PRIMARY KEY CHECK (id = 1),
    version             bigint      NOT NULL DEFAULT 0,
    kill_switch_engaged boolean     NOT NULL DEFAULT false,
    current_cutover     uuid,
    -- Approvers overriding the freeze window in force (two distinct people), until when.
    freeze_override_by    text[]      NOT NULL DEFAULT '{}',
    freeze_override_until timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
INSERT INTO canary_control (id) VALUES (1);

-- One row per cutover ever started; the current one changes as it moves.
CREATE TABLE canary_cutovers (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    status           text        NOT NULL CHECK (status IN ('running', 'paused', 'rolled_back', 'completed')),
    stages           integer[]   NOT NULL,
    hold_seconds     bigint      NOT NULL CHECK (hold_seconds > 0),
    auto_promote     boolean     NOT NULL,
    auto_rollback    boolean     NOT NULL,
    -- Stage index (0-based) -> roles, as {"0": ["sre"], "1": ["product_owner", "tech_lead"]}.
    sign_off_roles   jsonb       NOT NULL DEFAULT '{}',
    stage_index      integer     NOT NULL DEFAULT 0,
    stage_started_at timestamptz NOT NULL,
    started_by       text        NOT NULL,
    started_at       timestamptz NOT NULL DEFAULT now(),
    last_reason      text,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE canary_control ADD FOREIGN KEY (current_cutover) REFERENCES canary_cutovers (id);

-- Stage owners' sign-offs: one per person per stage, never the starter (checked by the
-- gateway, kept here by the key).
CREATE TABLE canary_signoffs (
    cutover_id  uuid        NOT NULL REFERENCES canary_cutovers (id),
    stage_index integer     NOT NULL,
    person      text        NOT NULL,
    role        text        NOT NULL,
    signed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cutover_id, stage_index, person)
);

-- What happened, in order: starts, promotions, pauses, rollbacks, kill-switch changes,
-- sign-offs, and each stage's summary when it ends (the evidence bundle's source).
CREATE TABLE canary_stage_history (
    id             bigserial   PRIMARY KEY,
    cutover_id     uuid        REFERENCES canary_cutovers (id),
    event          text        NOT NULL,
    stage_index    integer,
    weight_percent integer     NOT NULL,
    actor          text        NOT NULL,
    reason         text,
    detail         jsonb       NOT NULL DEFAULT '{}',
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX canary_stage_history_cutover ON canary_stage_history (cutover_id, id);
