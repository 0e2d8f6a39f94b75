-- Issue 16 (SPEC §11): go/no-go gate runs and the sign-offs gates read.

-- Each `safemut gate validate` run: the verdicts as the exact JSON text the CLI printed
-- (text, not jsonb: the evidence bundle digests these bytes), the matrix it read, and
-- the audit row that records it. `GET /admin/gates` shows the newest.
CREATE TABLE gate_runs (
    id            bigserial   PRIMARY KEY,
    run_at        timestamptz NOT NULL DEFAULT now(),
    actor         text        NOT NULL,
    release       text,
    matrix_sha256 text        NOT NULL CHECK (matrix_sha256 ~ '^[0-9a-f]{64}$'),
    overall       text        NOT NULL CHECK (overall IN ('PASS', 'FAIL', 'INCONCLUSIVE')),
    results       text        NOT NULL,
    audit_seq     bigint
);
CREATE INDEX gate_runs_newest ON gate_runs (run_at DESC, id DESC);

-- Sign-offs a gate needs (G8's stakeholder approvals; G5's human confirmation of a load
-- test): one row per person, gate and release; the role is the one the person signed
-- with, checked against their identity when recorded.
CREATE TABLE gate_signoffs (
    gate      text        NOT NULL CHECK (gate ~ '^[A-Za-z0-9_.-]{1,32}$'),
    release   text        NOT NULL CHECK (length(release) BETWEEN 1 AND 128),
    person    text        NOT NULL,
    role      text        NOT NULL,
    note      text        NOT NULL DEFAULT '',
    signed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (gate, release, person)
);

-- A cutover stage may require gates to PASS before it is left (canary.gates): stage
-- index → gate ids, fixed when the cutover starts, like its sign-off roles.
ALTER TABLE canary_cutovers ADD COLUMN stage_gates jsonb NOT NULL DEFAULT '{}';
