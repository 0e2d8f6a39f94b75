#!/usr/bin/env python3
"""The ledger check after the chaos test (scripts/chaos-test.sh, issue 18): reads every answer
the load test's clients got (ops/loadtest/locustfile.py's LOAD_ANSWERS lines), the phases the
test ran, and the ledger (psql), and checks
  1. each 200 mutation has its ledger row, settled (by the gateway, or by the reconciler when
     its replica died before settling);
  2. no reservation is left reserved past its TTL;
  3. spent + reserved <= the daily limit for every tenant and day (exact decimals), and the
     live counters equal the ledger;
  4. no answer came later than the gateway's own deadline (--deadline-ms).
The report lists each phase (fault) with what the clients saw. Exit 0 when every check passes,
1 when one fails, 2 for unusable input.
"""
import argparse
import collections
import csv
import io
import json
import subprocess
import sys
from decimal import Decimal


def psql(database, sql):
    out = subprocess.run(["psql", database, "-X", "-q", "-A", "-F", "\t", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def phases_report(answers, phases):
    rows = []
    for index, phase in enumerate(phases[:-1]):
        start, end = phase["at"], phases[index + 1]["at"]
        seen = [a for a in answers if start <= a["at"] < end]
        outcomes = collections.Counter(a["outcome"] for a in seen)
        failed = collections.Counter(f"{a['status'] or 'no answer'} {a['code'] or ''}".strip() for a in seen if a["outcome"] == "failed")
        mutations = [a for a in seen if a["kind"] == "mutation"]
        rows.append({
            "phase": phase["name"], "fault": phase["description"], "answers": len(seen),
            "ok": outcomes.get("ok", 0), "refused": outcomes.get("refused", 0), "failed": outcomes.get("failed", 0),
            "mutations_200": sum(1 for a in mutations if a["status"] == 200),
            "p95_ms": percentile([a["ms"] for a in seen], 0.95), "max_ms": max((a["ms"] for a in seen), default=None),
            "failures": dict(failed.most_common(4)),
        })
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", required=True)
    parser.add_argument("--phases", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--deadline-ms", type=float, required=True)
    parser.add_argument("--report", required=True)
    args = parser.parse_args()
    try:
        answers = [json.loads(line) for line in open(args.answers) if line.strip()]
        phases = [json.loads(line) for line in open(args.phases) if line.strip()]
    except (OSError, ValueError) as error:
        print(f"chaos-check: unusable input: {error}", file=sys.stderr)
        return 2
    if not answers or len(phases) < 2:
        print("chaos-check: no answers or no phases: the load never ran", file=sys.stderr)
        return 2
    checks = []

    def check(name, passed, detail):
        checks.append({"check": name, "passed": bool(passed), "detail": detail})

    ledger = {}
    for correlation, status, settled_by in psql(args.database, "SELECT correlation_id, status, coalesce(settled_by, '') FROM budget_ledger"):
        ledger.setdefault(correlation, []).append((status, settled_by))
    answered = [a for a in answers if a["kind"] == "mutation" and a["status"] == 200]
    missing = [a for a in answered if not a.get("request_id") or a["request_id"] not in ledger]
    unsettled = [a for a in answered if a.get("request_id") in ledger and not any(s == "settled" for s, _ in ledger[a["request_id"]])]
    by_reconciler = sum(1 for a in answered if any(s == "settled" and b == "reconciler" for s, b in ledger.get(a.get("request_id"), [])))
    check("each 200 mutation has its settled ledger row", not missing and not unsettled,
          f"{len(answered)} answered 200, {len(missing)} without a row, {len(unsettled)} not settled "
          f"({[(a['request_id'], ledger.get(a['request_id'])) for a in (missing + unsettled)[:3]]}); "
          f"{by_reconciler} settled by the reconciler after their replica died")

    stale = psql(args.database, "SELECT count(*), coalesce(min(expires_at)::text, '-') FROM budget_ledger WHERE status = 'reserved' AND expires_at < now()")[0]
    check("no reservation left reserved past its TTL", stale[0] == "0", f"{stale[0]} reserved past expires_at (oldest {stale[1]})")

    over = []
    days = psql(args.database, """
        SELECT l.tenant_id, l.budget_day, t.daily_usd_limit,
               coalesce(sum(coalesce(l.actual_usd, l.estimated_usd)) FILTER (WHERE l.status = 'settled'), 0),
               coalesce(sum(l.estimated_usd) FILTER (WHERE l.status = 'reserved'), 0)
        FROM budget_ledger l JOIN tenant_budget t USING (tenant_id)
        GROUP BY l.tenant_id, l.budget_day, t.daily_usd_limit ORDER BY 1, 2""")
    for tenant, day, limit, spent, reserved in days:
        if Decimal(spent) + Decimal(reserved) > Decimal(limit):
            over.append(f"{tenant} {day}: spent {spent} + reserved {reserved} > limit {limit}")
    check("spent + reserved <= limit for every tenant and day", not over,
          "; ".join(over) or "; ".join(f"{t} {d}: {s} + {r} of {lim}" for t, d, lim, s, r in days))

    drift = []
    for tenant, day, spent_counter, reserved_counter, spent, reserved in psql(args.database, """
        SELECT t.tenant_id, t.counter_day, t.daily_spent_usd, t.daily_reserved_usd,
               coalesce(sum(coalesce(l.actual_usd, l.estimated_usd)) FILTER (WHERE l.status = 'settled'), 0),
               coalesce(sum(l.estimated_usd) FILTER (WHERE l.status = 'reserved'), 0)
        FROM tenant_budget t LEFT JOIN budget_ledger l ON l.tenant_id = t.tenant_id AND l.budget_day = t.counter_day
        GROUP BY 1, 2, 3, 4"""):
        if Decimal(spent_counter) != Decimal(spent) or Decimal(reserved_counter) != Decimal(reserved):
            drift.append(f"{tenant} {day}: counters {spent_counter}/{reserved_counter}, ledger {spent}/{reserved}")
    check("the live counters equal the ledger", not drift, "; ".join(drift) or "every tenant's counters match")

    late = [a for a in answers if a["ms"] > args.deadline_ms]
    check(f"no answer past the deadline ({args.deadline_ms:.0f} ms)", not late,
          f"slowest {max(a['ms'] for a in answers)} ms; {len(late)} late {[(a['name'], a['status'], a['ms']) for a in late[:3]]}")

    report = {"phases": phases_report(answers, phases), "checks": checks}
    with open(args.report, "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
    print(f"{'phase':20} {'answers':>8} {'ok':>6} {'refused':>8} {'failed':>7} {'200 mut':>8} {'p95 ms':>8}  what failed")
    for row in report["phases"]:
        failures = ", ".join(f"{k} x{v}" for k, v in row["failures"].items())
        print(f"{row['phase']:20} {row['answers']:>8} {row['ok']:>6} {row['refused']:>8} {row['failed']:>7} "
              f"{row['mutations_200']:>8} {str(row['p95_ms']):>8}  {failures}")
    for entry in checks:
        print(f"{'PASS' if entry['passed'] else 'FAIL'} {entry['check']}: {entry['detail']}")
    return 0 if all(entry["passed"] for entry in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
