-- Four-eyes reads no ledger table (issue 14): the Idempotency-Key of the request that
-- used an approval is kept on the approval request itself, so a client retry of that
-- request is recognised from approval_requests alone instead of by a join on
-- budget_ledger through the correlation id. Set when the approval is used, cleared when
-- it is given back.
ALTER TABLE approval_requests ADD COLUMN used_idempotency_key text;

-- Approvals used before this migration: their key, as the join found it.
UPDATE approval_requests r SET used_idempotency_key = l.idempotency_key
FROM budget_ledger l
WHERE r.status = 'used' AND l.tenant_id = r.tenant_id AND l.correlation_id = r.used_correlation_id
  AND l.idempotency_key IS NOT NULL AND l.document_hash = r.document_hash;
