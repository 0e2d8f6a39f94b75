#!/usr/bin/env python3
"""The layering rule of docs/architecture.md, checked against the package's target graph.

Reads `swift package dump-package` (JSON on stdin or from --package FILE) and the Swift
sources, and reports:
  up        a dependency on a module of a higher layer (imports must point down);
  reaches   a pure-domain module that reaches, directly or through others, the HTTP
            server or a datastore client;
  unused    a declared dependency that no file of the target imports;
  cycle     a dependency cycle (SwiftPM refuses most, the check does not rely on it);
  port      an admission module that depends on an adapter: the steps reach the stores
            only through the protocols of Ports, which the adapters implement.

Violations that exist today are listed in scripts/layers-baseline.txt, one per line, so
the check can run in CI while the re-layering (issue 14) removes them. It fails on any
violation not in the baseline, and on a baseline line that no longer occurs (delete it:
the baseline only shrinks). Exit 0: clean against the baseline; 1: violations; 2: bad input.
"""
import json
import os
import re
import sys

# Bottom up. A module may import modules of its own layer or below (external packages
# are not layered). The names are today's modules; issue 14 moves code between them.
LAYERS = [
    ("c", ["CLibPQ", "CHiredis", "COpenSSL", "CZlib", "CSystem"]),
    ("kit", ["Kit", "Config", "Telemetry"]),
    ("crypto", ["Crypto"]),
    ("io", ["Sockets", "HTTP", "HTTPServer", "HTTPClient", "Gzip", "Postgres", "Redis", "Migrations", "SMTP"]),
    ("domain", ["GraphQLAnalysis", "Identity", "ApprovalPolicy", "Cutover", "Gates", "Downshift", "ResponseCache", "Chaos", "Reports", "IntelGraphDemo"]),
    ("vocabulary", ["Contract", "Ports"]),
    ("adapters", ["PersistedQueries", "Audit", "Ledger", "RateLimit", "FourEyes", "Workers", "BudgetAdmin", "Cutovers", "GateChecks", "Evidence", "Drill", "Downshifts"]),
    ("admission", ["Admission"]),
    ("admin", ["Admin", "AdminUI"]),
    ("gateway", ["Gateway"]),
    ("executables", ["safemut", "intelgraph-demo", "TestSupport", "analysis-bench", "datastore-bench"]),
]
# Pure domain: must not reach the HTTP server or a datastore client.
PURE = ["Kit", "Config", "GraphQLAnalysis", "Identity", "ApprovalPolicy", "Cutover", "Gates", "Downshift", "ResponseCache", "Chaos", "Reports", "IntelGraphDemo"]
FORBIDDEN_FOR_PURE = ["HTTPServer", "Postgres", "Redis", "CLibPQ", "CHiredis", "Migrations"]
# Layers that may not depend on one another although one is above the other: admission
# talks to the adapters' stores only through the ports.
SEALED = {"admission": "adapters"}
# Every OpenSSL call in one file of one module: only it may import COpenSSL.
OPENSSL_MODULE, OPENSSL_FILE = "Crypto", "OpenSSLCalls.swift"

IMPORT = re.compile(r"^\s*(?:@[A-Za-z_]+(?:\([^)]*\))?\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def dependency_names(target):
    names = []
    for dep in target.get("dependencies", []):
        kind, value = next(iter(dep.items()))
        names.append(value[0] if isinstance(value, list) else value)
    return names


def target_path(package_root, target):
    if target.get("path"):
        return os.path.join(package_root, target["path"])
    base = "Tests" if target["type"] == "test" else "Sources"
    return os.path.join(package_root, base, target["name"])


def imports_by_file(path):
    found = {}
    for root, _, files in os.walk(path):
        for name in files:
            if name.endswith((".swift", ".h", ".c")):
                with open(os.path.join(root, name), encoding="utf-8", errors="replace") as handle:
                    found[os.path.join(root, name)] = set(IMPORT.findall(handle.read()))
    return found


def imports_of(path):
    return set().union(*imports_by_file(path).values())


def violations(package, package_root):
    layer_of = {}
    for index, (_, modules) in enumerate(LAYERS):
        for module in modules:
            layer_of[module] = index
    targets = {t["name"]: t for t in package["targets"]}
    graph = {name: [d for d in dependency_names(t) if d in targets] for name, t in targets.items()}
    found = []
    for name, target in sorted(targets.items()):
        deps = dependency_names(target)
        if target["type"] != "test":
            if name not in layer_of:
                found.append(f"unlayered {name}")
            for dep in deps:
                if dep in layer_of and name in layer_of and layer_of[dep] > layer_of[name]:
                    found.append(f"up {name} -> {dep} ({LAYERS[layer_of[name]][0]} -> {LAYERS[layer_of[dep]][0]})")
                if dep in layer_of and name in layer_of and SEALED.get(LAYERS[layer_of[name]][0]) == LAYERS[layer_of[dep]][0]:
                    found.append(f"port {name} -> {dep} ({LAYERS[layer_of[name]][0]} reaches {LAYERS[layer_of[dep]][0]} only through Ports)")
        if "COpenSSL" in deps and name != OPENSSL_MODULE:
            found.append(f"openssl {name} -> COpenSSL (only {OPENSSL_MODULE} may)")
        if target["type"] in ("regular", "executable", "test"):
            by_file = imports_by_file(target_path(package_root, target))
            imported = set().union(*by_file.values())
            for file, modules in sorted(by_file.items()):
                if "COpenSSL" in modules and (name != OPENSSL_MODULE or os.path.basename(file) != OPENSSL_FILE):
                    found.append(f"openssl {name}/{os.path.basename(file)} imports COpenSSL (only {OPENSSL_MODULE}/{OPENSSL_FILE} may)")
            for dep in deps:
                # A product's module is named like the product here (Logging, GraphQL, ...).
                if dep not in imported:
                    found.append(f"unused {name} -> {dep}")
    for name in PURE:
        reached, stack = set(), list(graph.get(name, []))
        while stack:
            module = stack.pop()
            if module in reached:
                continue
            reached.add(module)
            stack.extend(graph.get(module, []))
        for bad in FORBIDDEN_FOR_PURE:
            if bad in reached:
                found.append(f"reaches {name} -> {bad}")
    # Cycles, by depth-first search over target dependencies.
    state = {}

    def visit(node, path):
        state[node] = 1
        for dep in graph.get(node, []):
            if state.get(dep) == 1:
                cycle = path[path.index(dep):] + [dep] if dep in path else [node, dep]
                found.append("cycle " + " -> ".join(cycle))
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return sorted(set(found))


def main(argv):
    package_file, baseline_file, root = None, "scripts/layers-baseline.txt", "."
    args = list(argv)
    while args:
        flag = args.pop(0)
        if flag == "--package":
            package_file = args.pop(0)
        elif flag == "--baseline":
            baseline_file = args.pop(0)
        elif flag == "--root":
            root = args.pop(0)
        else:
            print(f"check-layers: unknown argument {flag}", file=sys.stderr)
            return 2
    try:
        text = open(package_file).read() if package_file else sys.stdin.read()
        package = json.loads(text)
    except (OSError, ValueError) as error:
        print(f"check-layers: cannot read the package description: {error}", file=sys.stderr)
        return 2
    found = violations(package, root)
    baseline = []
    if os.path.exists(baseline_file):
        with open(baseline_file) as handle:
            baseline = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    new = [v for v in found if v not in baseline]
    fixed = [b for b in baseline if b not in found]
    for line in new:
        print(f"NEW   {line}")
    for line in fixed:
        print(f"FIXED {line}   (no longer occurs: delete it from {baseline_file})")
    print(f"check-layers: {len(found)} violation(s), {len(baseline)} in the baseline, {len(new)} new, {len(fixed)} fixed")
    return 1 if new or fixed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
