# The four-eyes policy (SPEC §2 "Four-eyes" and §9, the rollback plan's relaxed rule).
#
# The gateway evaluates the same rules in process (Sources/ApprovalPolicy/ApprovalRules.swift)
# or asks an external OPA for this package (`opa.url`, POST /v1/data/approval). One table,
# policies/conformance/cases.json, is run through this file (scripts/rego.py, regorus) and
# through the Swift rules; Tests/ApprovalPolicyTests fails unless both give the table's answer.
#
# Input (the admission step builds it from the request; every field but tenant is optional):
#   tenant              string   the caller's tenant
#   requester           string   the caller's user id
#   est_usd_micros      integer  the estimate in micro-dollars: the exact amount, and the one
#                                the money rules compare
#   est_usd             number   the same estimate in dollars (6 decimals), carried so rules
#                                written against the seeds' input (the rollback plan's
#                                relaxed-approval.rego reads input.est_usd) work verbatim;
#                                used here only when est_usd_micros is absent
#   tokens              integer  the token estimate
#   risk_tags           [string] the operation's risk tags; the seeds' singular risk_tag
#   risk_tag            string   (a string) is accepted as well, and both may be given
#   target_tenants      [string] the tenants the operation writes to
#   emergency_override  boolean  an audited emergency override (TTL ≤ 2 h) is active
#   approver            object   {id, roles, tenant}: one approver, for valid_approver
#   approvals           [object] the approvers of a request, for approved
#
# Decisions: requires_4eyes, reasons, emergency_relaxed, valid_approver, approved.
package approval

import rego.v1

# Constants: keep in step with Sources/ApprovalPolicy/PolicyConstants.swift.

four_eyes_tags := {
	"destructive", "bulk_delete", "merge_entities", "purge",
	"cross_tenant_move", "bulk_update", "schema_change", "data_export",
}

# The rollback plan's list: even an emergency override leaves these behind four eyes.
high_risk_tags := {"bulk_delete", "purge", "cross_tenant_move", "schema_change"}

# $5.00: an estimate above this needs four eyes ($5.00 exactly does not).
estimate_limit_micros := 5000000

# 50,000 tokens: more than this needs four eyes (50,000 exactly does not).
token_limit := 50000

# $10.00: the emergency override relaxes operations estimated at or below this.
emergency_ceiling_micros := 10000000

# These roles approve for any tenant; team_lead only for their own tenant.
global_approver_roles := {"admin", "finance_admin", "security_admin", "senior_analyst"}

tenant_approver_role := "team_lead"

required_approvals := 2

# --- the request

tags contains tag if {
	some tag in input.risk_tags
	is_string(tag)
}

tags contains input.risk_tag if is_string(input.risk_tag)

# The integer decides; the dollar number only stands in when the integer is missing.
# Rounding the product recovers the exact micros of any 6-decimal amount below ~$9e9.
estimate_micros := input.est_usd_micros if {
	is_number(input.est_usd_micros)
} else := round(input.est_usd * 1000000) if {
	is_number(input.est_usd)
} else := 0

tokens := input.tokens if {
	is_number(input.tokens)
} else := 0

cross_tenant if {
	some target in input.target_tenants
	target != input.tenant
}

high_risk_tagged if {
	some tag in tags
	tag in high_risk_tags
}

# --- why four eyes are needed (each trigger, whatever the override says)

reasons contains concat("", ["risk_tag:", tag]) if {
	some tag in tags
	tag in four_eyes_tags
}

reasons contains "estimate_over_limit" if estimate_micros > estimate_limit_micros

reasons contains "tokens_over_limit" if tokens > token_limit

reasons contains "cross_tenant" if cross_tenant

# The rollback plan's relaxed rule (seeds/002: requires_4eyes := false when
# input.est_usd <= 10 and the tag is not high-risk), active only while an emergency
# override is. It compares est_usd_micros (exact) rather than est_usd.
# Our choice beyond the seed: an operation that touches another tenant is never
# relaxed. The seed's high-risk list already keeps cross_tenant_move behind four eyes;
# an untagged write into another tenant is the same risk and stays there too.
# True only when the override actually waived a requirement (for the audit trail).
default emergency_relaxed := false

emergency_relaxed if {
	input.emergency_override == true
	count(reasons) > 0
	estimate_micros <= emergency_ceiling_micros
	not high_risk_tagged
	not cross_tenant
}

default requires_4eyes := false

requires_4eyes if {
	count(reasons) > 0
	not emergency_relaxed
}

# --- who may approve

# Any approver: a non-empty id that is not the requester's.
approver_identity_ok(approver) if {
	is_string(approver.id)
	approver.id != ""
	approver.id != input.requester
}

approver_ok(approver) if {
	approver_identity_ok(approver)
	some role in approver.roles
	role in global_approver_roles
}

approver_ok(approver) if {
	approver_identity_ok(approver)
	tenant_approver_role in approver.roles
	approver.tenant == input.tenant
}

default valid_approver := false

valid_approver if approver_ok(input.approver)

# Distinct people: one id listed twice counts once.
valid_approver_ids contains approver.id if {
	some approver in input.approvals
	approver_ok(approver)
}

default approved := false

approved if count(valid_approver_ids) >= required_approvals
