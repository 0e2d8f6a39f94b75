#!/usr/bin/env python3
"""Structural checks promtool and amtool do not make, run by check.sh:
rules (names the runbooks use, annotations, runbook links, canary labels),
that every alert and recording rule has a unit test, docs/runbook.md sections,
the dashboards against generate.py, and the ops files. Prints each problem and
exits 1 if there is any. Usage: lint.py REPO_ROOT EXPR_RULES_OUT"""
import configparser, glob, json, os, re, subprocess, sys, tempfile
import yaml

root, expr_rules_out = sys.argv[1], sys.argv[2]
mon = os.path.join(root, "monitoring")
problems = []

REQUIRED_ALERTS = [
    "CanaryDailyBudgetApproaching", "CanaryDailyBudgetExceeded", "BudgetEnforcementNotWorking",
    "ApprovalBottleneck", "SafemutPostgresDown", "SafemutRedisDown", "SafemutUpstreamDown",
    "SafemutRedisCircuitOpen", "BudgetReconcileStale", "BudgetLatencyBurnRateFast",
    "BudgetLatencyBurnRateSlow", "SafemutErrorRatioHigh", "RateLimitFailingOpen",
    # The rollback plan (seed 002) silences these two by name.
    "BudgetEnforcementDown", "PersistentQueryViolation",
]
REQUIRED_RECORDS = ["intelgraph:daily_utilization_ratio", "intelgraph:canary_escalation_ready"]

alerts, records = {}, set()
for path in sorted(glob.glob(os.path.join(mon, "*.rules.yml"))):
    for group in yaml.safe_load(open(path))["groups"]:
        for rule in group["rules"]:
            if "record" in rule:
                records.add(rule["record"])
                continue
            name = rule["alert"]
            alerts.setdefault(name, []).append(rule)
            labels, ann = rule.get("labels", {}), rule.get("annotations", {})
            if labels.get("severity") not in ("critical", "warning"):
                problems.append(f"{name}: severity must be critical or warning")
            for key in ("summary", "description", "runbook_url"):
                if not ann.get(key):
                    problems.append(f"{name}: missing annotation {key}")
            if ann.get("runbook_url") != f"docs/runbook.md#{name.lower()}":
                problems.append(f"{name}: runbook_url must be docs/runbook.md#{name.lower()}")
            # Canary *tenant* budget alerts (the runbooks' Alertmanager queries select on the
            # label); the cutover's alerts are about the canary *release*, not a tenant.
            if name.startswith("Canary") and group["name"] != "safemut-cutover" and labels.get("tenant_type") != "canary":
                problems.append(f'{name}: canary alerts carry tenant_type="canary"')
for name in REQUIRED_ALERTS:
    if name not in alerts:
        problems.append(f"missing alert {name}")
for name in REQUIRED_RECORDS:
    if name not in records:
        problems.append(f"missing recording rule {name}")

# Every alert: one evaluation where it fires and one where it does not; every
# recording rule: an expression test that reads it.
fires, quiet, tested_exprs = set(), set(), []
for path in sorted(glob.glob(os.path.join(mon, "tests", "*_test.yml"))):
    for test in yaml.safe_load(open(path))["tests"]:
        for case in test.get("alert_rule_test", []):
            (fires if case.get("exp_alerts") else quiet).add(case["alertname"])
        tested_exprs += [case["expr"] for case in test.get("promql_expr_test", [])]
for name in alerts:
    if name not in fires:
        problems.append(f"{name}: no unit test where it fires")
    if name not in quiet:
        problems.append(f"{name}: no unit test where it stays quiet or resolves")
for name in records:
    if not any(re.search(re.escape(name) + r"\b", e) for e in tested_exprs):
        problems.append(f"{name}: no promql_expr_test reads it")

runbook = os.path.join(root, "docs", "runbook.md")
if os.path.exists(runbook):
    headings = set(re.findall(r"^### +(\S+)\s*$", open(runbook).read(), re.M))
    for name in alerts:
        if name not in headings:
            problems.append(f"docs/runbook.md: no '### {name}' section (the alert's runbook_url points there)")
elif os.environ.get("MONITORING_RUNBOOK_OPTIONAL") != "1":
    problems.append("docs/runbook.md is missing (set MONITORING_RUNBOOK_OPTIONAL=1 only before the docs branch is merged)")
else:
    print("note: docs/runbook.md absent; runbook sections not checked (MONITORING_RUNBOOK_OPTIONAL=1)")

# Dashboards: committed JSON and exprs.txt are what generate.py writes.
dash = os.path.join(mon, "dashboards")
with tempfile.TemporaryDirectory() as tmp:
    for name in os.listdir(dash):
        if name.endswith(".py"):
            with open(os.path.join(tmp, name), "w") as f:
                f.write(open(os.path.join(dash, name)).read())
    subprocess.run([sys.executable, os.path.join(tmp, "generate.py")], check=True)
    for name in sorted(os.listdir(tmp)):
        if name.endswith((".json", ".txt")):
            committed = os.path.join(dash, name)
            if not os.path.exists(committed) or open(committed).read() != open(os.path.join(tmp, name)).read():
                problems.append(f"monitoring/dashboards/{name} differs from generate.py's output: run it and commit")
exprs = []
for path in sorted(glob.glob(os.path.join(dash, "*.json"))):
    data = json.load(open(path))
    exprs += [t["expr"] for p in data["panels"] for t in p["targets"]]
listed = [line.split("\t")[2] for line in open(os.path.join(dash, "exprs.txt")).read().splitlines() if not line.startswith("#")]
if sorted(listed) != sorted(exprs):
    problems.append("monitoring/dashboards/exprs.txt does not list exactly the dashboards' exprs")
# promtool parses each expression as a recording rule (check.sh runs it).
with open(expr_rules_out, "w") as f:
    yaml.safe_dump({"groups": [{"name": "dashboard-exprs", "rules": [
        {"record": f"dashboard:expr_{i}", "expr": e} for i, e in enumerate(exprs)]}]}, f)

# Ops files: YAML parses, the Deployment has what the drain and probes need.
docs = list(yaml.safe_load_all(open(os.path.join(root, "ops", "k8s", "safemut-sidecar.yaml"))))
kinds = {d["kind"]: d for d in docs}
for kind in ("ConfigMap", "Deployment", "Service"):
    if kind not in kinds:
        problems.append(f"ops/k8s/safemut-sidecar.yaml: no {kind}")
if "ConfigMap" in kinds:
    yaml.safe_load(kinds["ConfigMap"]["data"]["safemut.yaml"])
if "Deployment" in kinds:
    pod = kinds["Deployment"]["spec"]["template"]
    containers = {c["name"]: c for c in pod["spec"]["containers"]}
    sm = containers.get("safemut", {})
    if set(containers) != {"intelgraph-api", "safemut"}:
        problems.append("deployment: containers must be intelgraph-api and safemut")
    if sm.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/health/ready":
        problems.append("safemut readinessProbe must be GET /health/ready")
    if sm.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/health":
        problems.append("safemut livenessProbe must be GET /health")
    env = {e["name"] for e in sm.get("env", [])}
    for key in ("PQ_PHASE", "PQ_BYPASS", "DATABASE_URL", "REDIS_URL"):
        if key not in env:
            problems.append(f"safemut container: no env {key}")
    if "preStop" not in sm.get("lifecycle", {}):
        problems.append("safemut container: no preStop hook")
    drain_ms = yaml.safe_load(kinds["ConfigMap"]["data"]["safemut.yaml"])["server"]["drain_timeout_ms"]
    if pod["spec"].get("terminationGracePeriodSeconds", 30) * 1000 <= drain_ms + 5000:
        problems.append("terminationGracePeriodSeconds must exceed preStop + server.drain_timeout_ms")
    if pod["metadata"].get("annotations", {}).get("prometheus.io/scrape") != "true":
        problems.append("pod template: no prometheus.io/scrape annotation")

unit = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
unit.optionxform = str
unit.read(os.path.join(root, "ops", "safemut.service"))
svc = unit["Service"] if unit.has_section("Service") else {}
for key, pattern in [("ExecStart", r"safemut serve --config \S+"), ("ExecReload", r"kill -HUP \$MAINPID"),
                     ("KillSignal", r"SIGTERM"), ("EnvironmentFile", r"\S+"), ("NoNewPrivileges", r"yes"),
                     ("ProtectSystem", r"strict")]:
    if not re.search(pattern, svc.get(key, "")):
        problems.append(f"ops/safemut.service: {key} must match {pattern}")
stop = re.match(r"(\d+)s?$", svc.get("TimeoutStopSec", ""))
if not stop or int(stop.group(1)) <= 15:
    problems.append("ops/safemut.service: TimeoutStopSec must exceed the 15 s drain timeout")

for p in problems:
    print("FAIL:", p)
print(f"lint: {len(alerts)} alerts, {len(records)} recording rules, {len(exprs)} dashboard exprs, {len(problems)} problems")
sys.exit(1 if problems else 0)
