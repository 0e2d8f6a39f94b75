#!/usr/bin/env python3
"""Writes the Grafana dashboards (one JSON file each) and exprs.txt, the list of
every PromQL expression in them (`.panels[].targets[].expr`), from the table below.
Run it after editing; monitoring/check.sh fails when the committed files differ.
Expressions use fixed windows (no Grafana variables) so the e2e test
(PrometheusEndToEndTests) can send each one to Prometheus as written."""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))

# dashboard uid -> (title, [(panel title, unit, [(expr, legend)])])
DASHBOARDS = {
    "safemut-budget": ("safemut / Budget overview", [
        ("Daily spend by tenant (USD)", "currencyUSD", [
            ('max by (tenant) (budget_spent_usd{window="daily"})', "{{tenant}} spent"),
            ('max by (tenant) (budget_reserved_usd{window="daily"})', "{{tenant}} reserved"),
            ('max by (tenant) (budget_limit_usd{window="daily"})', "{{tenant}} limit"),
        ]),
        ("Daily utilization", "percentunit", [
            ("intelgraph:daily_utilization_ratio", "{{tenant}} (canary={{canary}})"),
        ]),
        ("Monthly utilization", "percentunit", [
            ("intelgraph:monthly_utilization_ratio", "{{tenant}} (canary={{canary}})"),
        ]),
        ("Canary escalation ready (7 clean days)", "none", [
            ("intelgraph:canary_escalation_ready", "{{tenant}}"),
        ]),
        ("Active override multiplier", "none", [
            ("max by (tenant) (budget_override_multiplier)", "{{tenant}}"),
        ]),
        ("Budget denials by reason (1h)", "short", [
            ("sum by (reason) (increase(budget_denials_total[1h]))", "{{reason}}"),
        ]),
        ("Budget denials by tenant", "reqps", [
            ("sum by (tenant, reason) (rate(budget_denials_total[5m]))", "{{tenant}} {{reason}}"),
        ]),
        ("Enforcement errors by kind (1h)", "short", [
            ("sum by (kind) (increase(budget_enforcement_errors_total[1h]))", "{{kind}}"),
        ]),
        ("Settlements by outcome", "ops", [
            ("sum by (outcome) (rate(budget_settlements_total[5m]))", "{{outcome}}"),
            ("max(budget_settlements_pending)", "pending"),
        ]),
        ("Reconcile freshness", "s", [
            ("time() - max(budget_reconcile_last_success_timestamp_seconds)", "since last reconcile"),
        ]),
    ]),
    "safemut-admission-latency": ("safemut / Admission latency", [
        ("Budget path p95 (SLO 30 ms)", "s", [
            ("safemut:admission_duration_seconds:p95_5m", "p95 {{job}}"),
            ("vector(0.03)", "SLO"),
        ]),
        ("p95 per admission step", "s", [
            ("histogram_quantile(0.95, sum by (step, le) (rate(admission_step_duration_seconds_bucket[5m])))", "{{step}}"),
        ]),
        ("p50 per admission step", "s", [
            ("histogram_quantile(0.5, sum by (step, le) (rate(admission_step_duration_seconds_bucket[5m])))", "{{step}}"),
        ]),
        ("Ledger reservation p95", "s", [
            ("histogram_quantile(0.95, sum by (le) (rate(budget_reservation_duration_seconds_bucket[5m])))", "reservation"),
        ]),
        ("Latency SLO burn rate (slow ratio / 5 %)", "none", [
            ("safemut:admission_slow_ratio:rate5m / 0.05", "5m"),
            ("safemut:admission_slow_ratio:rate1h / 0.05", "1h"),
            ("safemut:admission_slow_ratio:rate6h / 0.05", "6h"),
        ]),
        ("Request p95 by route", "s", [
            ("histogram_quantile(0.95, sum by (route, le) (rate(http_request_duration_seconds_bucket[5m])))", "{{route}}"),
        ]),
        ("Upstream p95 by outcome", "s", [
            ("histogram_quantile(0.95, sum by (outcome, le) (rate(upstream_request_duration_seconds_bucket[5m])))", "{{outcome}}"),
        ]),
        ("/graphql responses by status", "reqps", [
            ('sum by (status) (rate(http_requests_total{route="/graphql"}[5m]))', "{{status}}"),
        ]),
        ("/graphql 5xx ratio (SLO 0.1 %)", "percentunit", [
            ("safemut:graphql_error_ratio:rate5m", "5m"),
            ("safemut:graphql_error_ratio:rate1h", "1h"),
        ]),
        ("Rejections by step and code", "reqps", [
            ("sum by (step, code) (rate(admission_rejections_total[5m]))", "{{step}} {{code}}"),
        ]),
        ("Redis circuit (0 closed, 1 half-open, 2 open)", "none", [
            ("max by (instance) (redis_circuit_state)", "{{instance}}"),
        ]),
        ("Datastore pools", "short", [
            ("sum by (store, state) (datastore_pool_connections)", "{{store}} {{state}}"),
        ]),
        ("Datastore errors by kind", "ops", [
            ("sum by (store, kind) (rate(datastore_errors_total[5m]))", "{{store}} {{kind}}"),
        ]),
    ]),
    "safemut-persisted-queries": ("safemut / Persisted-query rollout", [
        ("Violations by phase", "reqps", [
            ("sum by (phase) (rate(persisted_query_violations_total[5m]))", "{{phase}}"),
        ]),
        ("Allowlist decisions", "reqps", [
            ("sum by (decision) (rate(persisted_query_decisions_total[5m]))", "{{decision}}"),
        ]),
        ("Violation ratio (false-positive SLO 0.1 %)", "percentunit", [
            ("safemut:persisted_query_violation_ratio:rate1h", "1h"),
            ("safemut:persisted_query_violation_ratio:rate1d", "1d"),
        ]),
        ("Phase in force", "none", [
            ("max by (phase) (persisted_query_phase)", "{{phase}}"),
        ]),
        ("Bypass (PQ_BYPASS)", "none", [
            ("max(persisted_query_bypass)", "bypass"),
        ]),
        ("Allowlist size", "short", [
            ("max(persisted_query_allowlist_size)", "hashes"),
        ]),
    ]),
    "safemut-four-eyes": ("safemut / Four-eyes approvals", [
        ("Pending approvals", "short", [
            ("max(approvals_pending)", "pending"),
        ]),
        ("Four-eyes required by reason (1h)", "short", [
            ("sum by (reason) (increase(four_eyes_required_total[1h]))", "{{reason}}"),
        ]),
        ("Approval decisions (1h)", "short", [
            ("sum by (decision) (increase(approval_decisions_total[1h]))", "{{decision}}"),
            ("sum(increase(approvals_used_total[1h]))", "used"),
        ]),
        ("Time to approve", "s", [
            ("histogram_quantile(0.5, sum by (le) (rate(approval_time_to_approve_seconds_bucket[1h])))", "p50"),
            ("histogram_quantile(0.95, sum by (le) (rate(approval_time_to_approve_seconds_bucket[1h])))", "p95"),
        ]),
        ("Policy decision p95 by source (gate: 25 ms)", "s", [
            ("histogram_quantile(0.95, sum by (source, le) (rate(opa_decision_duration_seconds_bucket[5m])))", "{{source}}"),
        ]),
        ("Emergency policy override", "none", [
            ("max(policy_emergency_override_active)", "active"),
            ("sum(increase(policy_emergency_overrides_total[24h]))", "granted (24h)"),
        ]),
    ]),
    "safemut-rate-limits": ("safemut / Rate limits", [
        ("Checks by outcome", "reqps", [
            ("sum by (outcome) (rate(rate_limit_checks_total[5m]))", "{{outcome}}"),
        ]),
        ("Limited requests by tenant and scope (1h)", "short", [
            ("sum by (tenant, scope) (increase(rate_limit_hits_total[1h]))", "{{tenant}} {{scope}}"),
        ]),
        ("Rate-limit check p95", "s", [
            ("histogram_quantile(0.95, sum by (le) (rate(rate_limit_check_duration_seconds_bucket[5m])))", "p95"),
        ]),
        ("Rate-limit errors by kind", "ops", [
            ("sum by (kind) (rate(rate_limit_errors_total[5m]))", "{{kind}}"),
        ]),
    ]),
    "safemut-cutover": ("safemut / Canary cutover", [
        ("Canary weight (%) and stage", "none", [
            ("max by (instance) (canary_weight_percent)", "{{instance}} weight"),
            ("max by (instance) (canary_stage)", "{{instance}} stage"),
        ]),
        ("Error ratio per arm (5m)", "percentunit", [
            ('sum by (arm) (rate(upstream_requests_total{class=~"5xx|error|timeout"}[5m])) / sum by (arm) (rate(upstream_requests_total[5m]))', "{{arm}}"),
        ]),
        ("Upstream p95 per arm", "s", [
            ("histogram_quantile(0.95, sum by (arm, le) (rate(upstream_request_duration_seconds_bucket[5m])))", "{{arm}}"),
        ]),
        ("Requests per arm", "reqps", [
            ("sum by (arm, class) (rate(upstream_requests_total[5m]))", "{{arm}} {{class}}"),
        ]),
        ("Judge verdicts (1 = current)", "none", [
            ("max by (rule, verdict) (canary_judge_verdict) == 1", "{{rule}} {{verdict}}"),
        ]),
        ("Rollbacks by reason (24h)", "short", [
            ("sum by (reason) (increase(canary_rollbacks_total[24h]))", "{{reason}}"),
        ]),
    ]),
}


def dashboard(uid, title, panels):
    out = []
    for i, (ptitle, unit, targets) in enumerate(panels):
        out.append({
            "id": i + 1,
            "type": "timeseries",
            "title": ptitle,
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "gridPos": {"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i // 2) * 8},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "targets": [
                {"refId": chr(ord("A") + j), "expr": expr, "legendFormat": legend,
                 "datasource": {"type": "prometheus", "uid": "${datasource}"}}
                for j, (expr, legend) in enumerate(targets)
            ],
        })
    return {
        "uid": uid, "title": title, "tags": ["safemut"], "timezone": "utc", "schemaVersion": 39,
        "version": 1, "editable": True, "refresh": "30s", "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"}]},
        "panels": out,
    }


def main():
    exprs = []
    for uid, (title, panels) in DASHBOARDS.items():
        data = dashboard(uid, title, panels)
        name = uid.removeprefix("safemut-") + ".json"
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
            f.write("\n")
        for panel in data["panels"]:
            for target in panel["targets"]:
                exprs.append(f'{name}\t{panel["title"]}\t{target["expr"]}')
    with open(os.path.join(HERE, "exprs.txt"), "w") as f:
        f.write("# dashboard<TAB>panel<TAB>expr — generated by generate.py; one line per target\n")
        f.write("\n".join(exprs) + "\n")


if __name__ == "__main__":
    sys.exit(main())
