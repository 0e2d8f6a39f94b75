-- The settle logic once (issue 14): budget_settle is budget_settle_many with one item, so
-- the rules (idempotency, the reconciler's correction, window checks, the lock order:
-- ledger row first, tenant row last) live in one function body instead of two copies.
-- Same signature and answers as before: the prior status ('missing' without a row,
-- 'reconciled' when it corrected a reconciler settlement).
CREATE OR REPLACE FUNCTION budget_settle(
    p_tenant text, p_id uuid, p_actual numeric, p_actual_tokens bigint,
    p_response_status integer, p_response_body bytea, p_compensation jsonb, p_now timestamptz DEFAULT NULL
) RETURNS text
LANGUAGE sql
AS $$
    SELECT m.prior FROM budget_settle_many(
        p_tenant,
        jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
            'id', p_id,
            'actual', p_actual::text,
            'tokens', p_actual_tokens,
            'status', p_response_status,
            'body', encode(p_response_body, 'base64'),
            'compensation', p_compensation))),
        p_now) AS m
$$;
