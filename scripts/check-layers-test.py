#!/usr/bin/env python3
"""Tests of scripts/check-layers.py on literal package graphs (run by .ci/run)."""
import importlib.util
import os
import sys
import tempfile

spec = importlib.util.spec_from_file_location("layers", os.path.join(os.path.dirname(__file__), "check-layers.py"))
layers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(layers)


def package(root, targets):
    """targets: name -> (type, [deps], [imports]); writes Sources/<name>/main.swift."""
    described = []
    for name, (kind, deps, imports) in targets.items():
        folder = os.path.join(root, "Tests" if kind == "test" else "Sources", name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "main.swift"), "w") as handle:
            handle.write("".join(f"import {module}\n" for module in imports))
        described.append({"name": name, "type": kind, "dependencies": [{"byName": [d, None]} for d in deps]})
    return {"targets": described}


def check(targets):
    with tempfile.TemporaryDirectory() as root:
        return layers.violations(package(root, targets), root)


failures = 0


def expect(condition, message):
    global failures
    if not condition:
        failures += 1
        print("FAIL:", message)


# A clean downward graph has no violations.
clean = {"HTTP": ("regular", [], []), "Identity": ("regular", ["HTTP"], ["HTTP"]), "Gateway": ("regular", ["Identity"], ["Identity"])}
expect(check(clean) == [], f"clean graph: {check(clean)}")
# A dependency on a higher layer is "up".
up = {"Admission": ("regular", [], []), "Ledger": ("regular", ["Admission"], ["Admission"])}
expect("up Ledger -> Admission (adapters -> admission)" in check(up), f"up: {check(up)}")
# A declared dependency nobody imports is "unused" (an @testable import counts).
unused = {"HTTP": ("regular", [], []), "Identity": ("regular", ["HTTP"], [])}
expect("unused Identity -> HTTP" in check(unused), f"unused: {check(unused)}")
testable = {"HTTP": ("regular", [], []), "HTTPTests": ("test", ["HTTP"], [])}
with tempfile.TemporaryDirectory() as root:
    described = package(root, testable)
    with open(os.path.join(root, "Tests", "HTTPTests", "main.swift"), "w") as handle:
        handle.write("@testable import HTTP\n")
    expect(layers.violations(described, root) == [], "an @testable import is a use")
# The pure domain must not reach a datastore, even through another module.
reaches = {"Postgres": ("regular", [], []), "Sockets": ("regular", ["Postgres"], ["Postgres"]),
           "GraphQLAnalysis": ("regular", ["Sockets"], ["Sockets"])}
expect("reaches GraphQLAnalysis -> Postgres" in check(reaches), f"reaches: {check(reaches)}")
# A module the table does not place is reported, so new modules get a layer.
expect("unlayered Unplaced" in check({"Unplaced": ("regular", [], [])}), "unlayered")
# Cycles are found.
cycle = {"HTTP": ("regular", ["Sockets"], ["Sockets"]), "Sockets": ("regular", ["HTTP"], ["HTTP"])}
expect(any(v.startswith("cycle") for v in check(cycle)), f"cycle: {check(cycle)}")
# OpenSSL in one file: another module declaring COpenSSL, or another file importing it, fails.
openssl = {"COpenSSL": ("system-library", [], []), "Identity": ("regular", ["COpenSSL"], ["COpenSSL"])}
expect("openssl Identity -> COpenSSL (only Crypto may)" in check(openssl), f"openssl dep: {check(openssl)}")
expect(any(v.startswith("openssl Identity/main.swift imports COpenSSL") for v in check(openssl)), f"openssl import: {check(openssl)}")
crypto = {"COpenSSL": ("system-library", [], []), "Crypto": ("regular", ["COpenSSL"], ["COpenSSL"])}
expect(any("Crypto/main.swift imports COpenSSL" in v for v in check(crypto)), f"a second file in Crypto: {check(crypto)}")
with tempfile.TemporaryDirectory() as root:
    described = package(root, crypto)
    os.rename(os.path.join(root, "Sources", "Crypto", "main.swift"), os.path.join(root, "Sources", "Crypto", "OpenSSLCalls.swift"))
    expect(layers.violations(described, root) == [], f"Crypto/OpenSSLCalls.swift may: {layers.violations(described, root)}")

# Admission reaches an adapter only through Ports: a direct dependency is a violation.
sealed = {"Ports": ("regular", [], []), "Ledger": ("regular", ["Ports"], ["Ports"]), "Admission": ("regular", ["Ports", "Ledger"], ["Ports", "Ledger"])}
expect("port Admission -> Ledger (admission reaches adapters only through Ports)" in check(sealed), f"sealed: {check(sealed)}")
through = {"Ports": ("regular", [], []), "Ledger": ("regular", ["Ports"], ["Ports"]), "Admission": ("regular", ["Ports"], ["Ports"])}
expect(check(through) == [], f"through Ports: {check(through)}")

# The baseline only shrinks: a fixed line fails until it is deleted.
with tempfile.TemporaryDirectory() as root:
    import json
    described = package(root, clean)
    package_file = os.path.join(root, "package.json")
    json.dump(described, open(package_file, "w"))
    baseline = os.path.join(root, "baseline.txt")
    open(baseline, "w").write("up Ledger -> Admission (adapters -> admission)\n")
    expect(layers.main(["--package", package_file, "--baseline", baseline, "--root", root]) == 1, "a stale baseline line fails")
    open(baseline, "w").write("# nothing\n")
    expect(layers.main(["--package", package_file, "--baseline", baseline, "--root", root]) == 0, "a clean graph passes")
    open(package_file, "w").write("{not json")
    expect(layers.main(["--package", package_file, "--baseline", baseline, "--root", root]) == 2, "bad JSON is exit 2")

print("check-layers tests:", "FAILED" if failures else "ok")
sys.exit(1 if failures else 0)
