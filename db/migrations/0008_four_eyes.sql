-- Four-eyes (issue 7): the approval flow's bookkeeping and the rollback plan's
-- emergency policy override. approval_requests and approvals exist since 0001.

-- When the second approval arrived (time to approve) and which request used it.
ALTER TABLE approval_requests ADD COLUMN approved_at timestamptz;
ALTER TABLE approval_requests ADD COLUMN used_correlation_id text;
-- Re-sends with `variables.approvers` look an approved request up by what it ran.
CREATE INDEX approval_requests_approved_idx ON approval_requests (tenant_id, document_hash, variables_hash)
    WHERE status = 'approved';
-- One pending request per requester and mutation: a client retrying before anyone
-- approved gets the same id instead of filling the queue.
CREATE UNIQUE INDEX approval_requests_one_pending_idx
    ON approval_requests (tenant_id, requester_id, document_hash, variables_hash)
    WHERE status = 'pending';

-- The rollback plan's relaxed rule ("requires_4eyes := false when est_usd <= 10 and the
-- tag is not high-risk"), switched on for a bounded time. Global: it relaxes the policy,
-- not one tenant's budget. At most 2 hours (SPEC §2; the rollback plan's own "Emergency
-- OPA bundle has 2-hour TTL maximum"), enforced here as well as in the API.
CREATE TABLE policy_emergency_overrides (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reason      text NOT NULL CHECK (length(btrim(reason)) > 0),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    revoked_by  text,
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '2 hours')
);
CREATE INDEX policy_emergency_overrides_live_idx ON policy_emergency_overrides (expires_at) WHERE revoked_at IS NULL;
