# Unit tests of policies/approval.rego, in `opa test` style: every test_* rule must be true.
# Run with `/opt/regorus-venv/bin/python scripts/rego.py test policies/` (regorus; there is
# no opa binary here) or `opa test policies/` where OPA is installed.
# The full boundary table, shared with the Swift rules, is policies/conformance/cases.json.
package approval_test

import rego.v1

import data.approval

base := {"tenant": "acme", "requester": "alice", "est_usd": 1, "est_usd_micros": 1000000, "tokens": 100}

# --- triggers

test_nothing_risky_needs_no_second_approver if {
	not approval.requires_4eyes with input as base
	count(approval.reasons) == 0 with input as base
}

test_every_four_eyes_tag_triggers if {
	every tag in approval.four_eyes_tags {
		approval.requires_4eyes with input as object.union(base, {"risk_tags": [tag]})
		approval.reasons == {concat("", ["risk_tag:", tag])} with input as object.union(base, {"risk_tags": [tag]})
	}
}

test_exactly_eight_four_eyes_tags if count(approval.four_eyes_tags) == 8

test_unknown_tag_does_not_trigger if {
	not approval.requires_4eyes with input as object.union(base, {"risk_tags": ["read_only"]})
}

test_singular_risk_tag_is_read if {
	approval.reasons == {"risk_tag:purge"} with input as object.union(base, {"risk_tag": "purge"})
}

test_singular_and_plural_tags_merge if {
	approval.reasons == {"risk_tag:purge", "risk_tag:data_export"} with input as object.union(base, {"risk_tag": "purge", "risk_tags": ["data_export"]})
}

test_estimate_five_dollars_exactly_is_within if {
	not approval.requires_4eyes with input as object.union(base, {"est_usd": 5, "est_usd_micros": 5000000})
}

test_estimate_one_micro_over_five_dollars_triggers if {
	approval.reasons == {"estimate_over_limit"} with input as object.union(base, {"est_usd": 5.000001, "est_usd_micros": 5000001})
}

test_micros_decide_over_dollars if {
	# est_usd says $6 but the exact integer says $5: the integer wins.
	not approval.requires_4eyes with input as object.union(base, {"est_usd": 6, "est_usd_micros": 5000000})
}

test_dollars_stand_in_when_micros_absent if {
	approval.reasons == {"estimate_over_limit"} with input as {"tenant": "acme", "requester": "alice", "est_usd": 5.000001}
	not approval.requires_4eyes with input as {"tenant": "acme", "requester": "alice", "est_usd": 5}
}

test_tokens_at_limit_are_within if {
	not approval.requires_4eyes with input as object.union(base, {"tokens": 50000})
}

test_tokens_over_limit_trigger if {
	approval.reasons == {"tokens_over_limit"} with input as object.union(base, {"tokens": 50001})
}

test_other_tenant_triggers if {
	approval.reasons == {"cross_tenant"} with input as object.union(base, {"target_tenants": ["acme", "globex"]})
}

test_own_tenant_named_is_not_cross_tenant if {
	not approval.requires_4eyes with input as object.union(base, {"target_tenants": ["acme"]})
}

test_reasons_accumulate if {
	approval.reasons == {"risk_tag:purge", "estimate_over_limit", "tokens_over_limit", "cross_tenant"} with input as object.union(base, {
		"risk_tags": ["purge"], "est_usd": 7, "est_usd_micros": 7000000,
		"tokens": 60000, "target_tenants": ["globex"],
	})
}

# --- the emergency override (rollback plan)

override := object.union(base, {"emergency_override": true})

test_override_relaxes_ten_dollars_exactly if {
	inp := object.union(override, {"est_usd": 10, "est_usd_micros": 10000000})
	not approval.requires_4eyes with input as inp
	approval.emergency_relaxed with input as inp
	approval.reasons == {"estimate_over_limit"} with input as inp
}

test_override_does_not_relax_over_ten_dollars if {
	inp := object.union(override, {"est_usd": 10.000001, "est_usd_micros": 10000001})
	approval.requires_4eyes with input as inp
	not approval.emergency_relaxed with input as inp
}

test_override_keeps_every_high_risk_tag if {
	every tag in approval.high_risk_tags {
		approval.requires_4eyes with input as object.union(override, {"risk_tags": [tag]})
	}
}

test_override_relaxes_low_risk_tag if {
	inp := object.union(override, {"risk_tags": ["bulk_update"]})
	not approval.requires_4eyes with input as inp
	approval.emergency_relaxed with input as inp
}

test_override_relaxes_tokens if {
	not approval.requires_4eyes with input as object.union(override, {"tokens": 50001})
}

test_override_never_relaxes_cross_tenant if {
	inp := object.union(override, {"target_tenants": ["globex"]})
	approval.requires_4eyes with input as inp
	not approval.emergency_relaxed with input as inp
}

test_override_must_be_true_not_truthy if {
	approval.requires_4eyes with input as object.union(base, {"emergency_override": "yes", "risk_tags": ["bulk_update"]})
}

test_override_without_triggers_relaxes_nothing if {
	not approval.emergency_relaxed with input as override
}

# --- approvers

test_each_global_role_approves_any_tenant if {
	every role in approval.global_approver_roles {
		approval.valid_approver with input as object.union(base, {"approver": {"id": "bob", "roles": [role], "tenant": "globex"}})
	}
}

test_team_lead_of_own_tenant_approves if {
	approval.valid_approver with input as object.union(base, {"approver": {"id": "bob", "roles": ["team_lead"], "tenant": "acme"}})
}

test_team_lead_of_other_tenant_does_not if {
	not approval.valid_approver with input as object.union(base, {"approver": {"id": "bob", "roles": ["team_lead"], "tenant": "globex"}})
}

test_team_lead_without_tenant_does_not if {
	not approval.valid_approver with input as object.union(base, {"approver": {"id": "bob", "roles": ["team_lead"]}})
}

test_requester_never_approves if {
	not approval.valid_approver with input as object.union(base, {"approver": {"id": "alice", "roles": ["admin"], "tenant": "acme"}})
}

test_unknown_role_and_no_roles_do_not_approve if {
	not approval.valid_approver with input as object.union(base, {"approver": {"id": "bob", "roles": ["viewer"]}})
	not approval.valid_approver with input as object.union(base, {"approver": {"id": "bob", "roles": []}})
}

test_empty_id_does_not_approve if {
	not approval.valid_approver with input as object.union(base, {"approver": {"id": "", "roles": ["admin"]}})
}

test_two_distinct_valid_approvers_approve if {
	approval.approved with input as object.union(base, {"approvals": [
		{"id": "bob", "roles": ["admin"]},
		{"id": "carol", "roles": ["team_lead"], "tenant": "acme"},
	]})
}

test_one_person_twice_is_not_two if {
	not approval.approved with input as object.union(base, {"approvals": [
		{"id": "bob", "roles": ["admin"]},
		{"id": "bob", "roles": ["finance_admin"]},
	]})
}

test_an_invalid_approver_does_not_count if {
	not approval.approved with input as object.union(base, {"approvals": [
		{"id": "bob", "roles": ["admin"]},
		{"id": "alice", "roles": ["admin"]},
	]})
}

test_no_approvals_is_not_approved if {
	not approval.approved with input as base
	not approval.valid_approver with input as base
}
