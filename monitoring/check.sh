#!/usr/bin/env bash
# Checks everything in monitoring/ and ops/; exits non-zero on any failure.
# Needs promtool (Debian: prometheus), amtool and prometheus-alertmanager
# (Debian: prometheus-alertmanager), python3-yaml, curl, jq.
#   monitoring/check.sh            # from anywhere
# MONITORING_RUNBOOK_OPTIONAL=1 skips the docs/runbook.md section check (only
# for the monitoring branch before the docs branch is merged).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$here"
failed=0
tmp="$(mktemp -d)"
am_pid=""
cleanup() {
    if [ -n "$am_pid" ]; then kill "$am_pid" 2>/dev/null; wait "$am_pid" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

run() {
    local name="$1"; shift
    if "$@" >"$tmp/out" 2>&1; then
        echo "ok   $name"
    else
        echo "FAIL $name"; sed 's/^/     /' "$tmp/out"; failed=1
    fi
}

for tool in promtool amtool prometheus-alertmanager python3 curl jq; do
    command -v "$tool" >/dev/null || { echo "FAIL missing tool: $tool"; exit 1; }
done

run "promtool check rules" promtool check rules ./*.rules.yml
run "promtool test rules" promtool test rules tests/*_test.yml
run "lint (annotations, test coverage, runbook, dashboards, ops)" python3 lint.py "$root" "$tmp/dashboard-exprs.rules.yml"
run "dashboard exprs parse (promtool)" promtool check rules "$tmp/dashboard-exprs.rules.yml"
run "amtool check-config" amtool check-config alertmanager.yml

# Routing: each line of tests/alertmanager_routes.txt is "receivers label=value…".
routes() {
    local status=0 expected labels
    while read -r expected labels; do
        case "$expected" in ''|'#'*) continue ;; esac
        # shellcheck disable=SC2086
        if ! amtool config routes test --config.file=alertmanager.yml --verify.receivers="$expected" $labels >"$tmp/route" 2>&1; then
            echo "route for {$labels}: expected $expected, got $(head -1 "$tmp/route")"; status=1
        fi
    done < tests/alertmanager_routes.txt
    return $status
}
run "amtool config routes test (tests/alertmanager_routes.txt)" routes

# Inhibition: a real Alertmanager with this config on loopback; CanaryDailyBudgetExceeded
# must mute CanaryDailyBudgetApproaching of the same tenant, not of another tenant.
inhibition() {
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    prometheus-alertmanager --config.file=alertmanager.yml --storage.path="$tmp/am" \
        --web.listen-address="127.0.0.1:$port" --cluster.listen-address= >"$tmp/am.log" 2>&1 &
    am_pid=$!
    local url="http://127.0.0.1:$port" i
    for i in $(seq 1 100); do curl -fs "$url/-/ready" >/dev/null && break; sleep 0.1; done
    curl -fs "$url/-/ready" >/dev/null || { cat "$tmp/am.log"; return 1; }
    curl -fs -XPOST "$url/api/v2/alerts" -H 'Content-Type: application/json' -d '[
      {"labels":{"alertname":"CanaryDailyBudgetExceeded","tenant":"demo","tenant_type":"canary","severity":"critical"}},
      {"labels":{"alertname":"CanaryDailyBudgetApproaching","tenant":"demo","tenant_type":"canary","severity":"warning"}},
      {"labels":{"alertname":"CanaryDailyBudgetApproaching","tenant":"test","tenant_type":"canary","severity":"warning"}}]' || return 1
    local states=""
    for i in $(seq 1 100); do
        states="$(curl -fs "$url/api/v2/alerts" | jq -r '[.[] | "\(.labels.alertname)/\(.labels.tenant)=\(.status.state)"] | sort | join(" ")')"
        [ "$states" = "CanaryDailyBudgetApproaching/demo=suppressed CanaryDailyBudgetApproaching/test=active CanaryDailyBudgetExceeded/demo=active" ] && return 0
        sleep 0.2
    done
    echo "expected Approaching/demo suppressed, Approaching/test and Exceeded/demo active; got: $states"
    return 1
}
run "alertmanager inhibition (Exceeded mutes Approaching, same tenant)" inhibition

run "ops/k8s YAML parses" python3 -c 'import sys, yaml; [list(yaml.safe_load_all(open(p))) for p in sys.argv[1:]]' "$root"/ops/k8s/*.yaml

if [ "$failed" -ne 0 ]; then echo "monitoring/check.sh: FAILED"; exit 1; fi
echo "monitoring/check.sh: all checks passed"
