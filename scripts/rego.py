#!/usr/bin/env python3
"""Runs our Rego policies with regorus, a real Rego engine (pip package gordon-to-regorus).

There is no `opa` binary on the build machines, so this is our stand-in for two OPA
commands; where OPA is installed, `opa test policies/` runs the same test files.

    rego.py test [DIR]                  run every test_* rule of DIR/**/*_test.rego (default:
                                        the repo's policies/); like `opa test DIR`, exits 1
                                        naming each test that is false, undefined or errors
    rego.py eval CASES.json [--out F]   evaluate the conformance table's inputs against
                                        package approval; print (or write to F) one JSON
                                        document {"engine", "results": [{id, decisions…}]}
                                        [--check] also exits 1 when a result differs from
                                        the case's "expect"

Run it with /opt/regorus-venv/bin/python (CI: python3 -m venv /opt/regorus-venv &&
/opt/regorus-venv/bin/pip install gordon-to-regorus). Tests/ApprovalPolicyTests runs both
subcommands and compares `eval` with the Swift rules case by case.
"""

import json
import pathlib
import re
import sys

try:
    import regorus
except ImportError:
    sys.stderr.write(
        "rego.py: the regorus module is missing. Install it with:\n"
        "  python3 -m venv /opt/regorus-venv && /opt/regorus-venv/bin/pip install gordon-to-regorus\n"
        "and run this script with /opt/regorus-venv/bin/python\n"
    )
    sys.exit(3)

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_POLICIES = REPO / "policies"
PACKAGE_LINE = re.compile(r"^package\s+([A-Za-z_][\w.]*)", re.M)
TEST_RULE = re.compile(r"^(test_[A-Za-z0-9_]+)\b", re.M)


def fail(message, code=2):
    sys.stderr.write("rego.py: %s\n" % message)
    sys.exit(code)


def engine_with(policy_dir, include_tests):
    """An engine holding every .rego file under policy_dir (tests only when asked)."""
    files = sorted(policy_dir.rglob("*.rego"))
    if not include_tests:
        files = [f for f in files if not f.name.endswith("_test.rego")]
    if not files:
        fail("no .rego files under %s" % policy_dir)
    engine = regorus.Engine()
    for path in files:
        try:
            engine.add_policy(str(path.relative_to(policy_dir.parent)), path.read_text())
        except Exception as error:  # regorus raises RuntimeError with the parse error
            fail("%s does not compile: %s" % (path, error))
    return engine, files


def run_tests(policy_dir):
    engine, files = engine_with(policy_dir, include_tests=True)
    engine.set_input({})
    tests = []
    for path in files:
        if not path.name.endswith("_test.rego"):
            continue
        text = path.read_text()
        package = PACKAGE_LINE.search(text)
        if package is None:
            fail("%s has no package line" % path)
        for name in dict.fromkeys(TEST_RULE.findall(text)):
            tests.append((path, "data.%s.%s" % (package.group(1), name)))
    if not tests:
        fail("no test_* rules in %s/**/*_test.rego" % policy_dir)
    failures = 0
    for path, rule in tests:
        try:
            value = engine.eval_rule(rule)
            outcome = "PASS" if value is True else ("FAIL" if value is None or value is False else "FAIL (not a boolean: %r)" % (value,))
        except Exception as error:
            outcome = "ERROR: %s" % error
        if outcome != "PASS":
            failures += 1
            print("%s: %s %s" % (outcome, path.relative_to(policy_dir.parent), rule))
    print("PASS: %d/%d" % (len(tests) - failures, len(tests)))
    if failures:
        print("FAIL: %d/%d" % (failures, len(tests)))
        sys.exit(1)


def decisions(engine, case_input):
    """The Rego decisions the conformance table compares, for one input."""
    engine.set_input(case_input)

    def rule(name):
        return engine.eval_rule("data.approval." + name)

    reasons = rule("reasons")
    result = {
        "requires_4eyes": rule("requires_4eyes"),
        "reasons": sorted(reasons) if reasons is not None else [],
        "emergency_relaxed": rule("emergency_relaxed"),
    }
    if "approver" in case_input:
        result["valid_approver"] = rule("valid_approver")
    if "approvals" in case_input:
        result["approved"] = rule("approved")
    return result


def run_eval(cases_path, out_path, check):
    try:
        table = json.loads(pathlib.Path(cases_path).read_text())
    except (OSError, ValueError) as error:
        fail("cannot read %s: %s" % (cases_path, error))
    cases = table.get("cases") if isinstance(table, dict) else None
    if not isinstance(cases, list) or not cases:
        fail('%s: expected {"cases": [{"id", "input", "expect"}, ...]}' % cases_path)
    engine, _ = engine_with(DEFAULT_POLICIES, include_tests=False)
    results, seen, mismatches = [], set(), []
    for case in cases:
        if not isinstance(case, dict) or not isinstance(case.get("id"), str) or not isinstance(case.get("input"), dict):
            fail("every case needs a string id and an object input: %r" % (case,))
        if case["id"] in seen:
            fail("duplicate case id %s" % case["id"])
        seen.add(case["id"])
        try:
            decided = decisions(engine, case["input"])
        except Exception as error:
            fail("case %s: evaluation failed: %s" % (case["id"], error))
        results.append(dict({"id": case["id"]}, **decided))
        expect = case.get("expect", {})
        for key, want in expect.items():
            got = decided.get(key)
            if key == "reasons":
                want = sorted(want)
            if got != want:
                mismatches.append("%s: %s is %r, expected %r" % (case["id"], key, got, want))
    document = json.dumps({"engine": "regorus", "results": results}, indent=1, sort_keys=True)
    if out_path:
        pathlib.Path(out_path).write_text(document + "\n")
    else:
        print(document)
    if check and mismatches:
        for line in mismatches:
            sys.stderr.write("MISMATCH %s\n" % line)
        sys.exit(1)


def main(argv):
    if len(argv) >= 1 and argv[0] == "test":
        if len(argv) > 2:
            fail("usage: rego.py test [DIR]")
        run_tests(pathlib.Path(argv[1]).resolve() if len(argv) == 2 else DEFAULT_POLICIES)
    elif len(argv) >= 2 and argv[0] == "eval":
        rest, out_path, check = argv[2:], None, False
        while rest:
            if rest[0] == "--out" and len(rest) >= 2:
                out_path, rest = rest[1], rest[2:]
            elif rest[0] == "--check":
                check, rest = True, rest[1:]
            else:
                fail("unknown argument %s" % rest[0])
        run_eval(argv[1], out_path, check)
    else:
        fail("usage: rego.py test [DIR] | rego.py eval CASES.json [--out FILE] [--check]")


if __name__ == "__main__":
    main(sys.argv[1:])
