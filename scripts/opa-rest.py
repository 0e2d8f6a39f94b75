#!/usr/bin/env python3
"""A stand-in for the OPA server's REST data API, running the real Rego engine (regorus).

There is no `opa` binary on the build machines; Tests/ApprovalPolicyTests starts this
script to test OPAClient against a real HTTP server that evaluates policies/approval.rego
the way `opa run --server policies/` would answer it:

    POST /v1/data/<package path>   body {"input": {...}}
        200 {"result": <the document>}   sets become arrays, as OPA serializes them
        200 {}                           when the document is undefined (as OPA does)
        400 {"code": "invalid_parameter", "message": ...} for a body that is not JSON
    GET /health                     200 {}

Usage: opa-rest.py PORT [POLICY_DIR]   (listens on 127.0.0.1 only; default POLICY_DIR is
the repo's policies/, *_test.rego excluded). Run it with /opt/regorus-venv/bin/python.
"""

import http.server
import json
import pathlib
import socket
import sys
import threading

try:
    import regorus
except ImportError:
    sys.stderr.write(
        "opa-rest.py: the regorus module is missing. Install it with:\n"
        "  python3 -m venv /opt/regorus-venv && /opt/regorus-venv/bin/pip install gordon-to-regorus\n"
    )
    sys.exit(3)


def plain(value):
    """regorus values as OPA's JSON: sets are arrays (sorted, for stable answers)."""
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


class Policies:
    """The policy texts, and one regorus engine per server thread (an Engine may not
    cross threads; each connection's thread builds its own on first use)."""

    def __init__(self, directory):
        files = [p for p in sorted(directory.rglob("*.rego")) if not p.name.endswith("_test.rego")]
        if not files:
            raise SystemExit("opa-rest.py: no policies under %s" % directory)
        self.sources = [(str(path), path.read_text()) for path in files]
        self.engine_for_thread()  # compile once up front so a broken policy fails at start
        self.local = threading.local()

    def engine_for_thread(self):
        engine = regorus.Engine()
        for name, text in self.sources:
            engine.add_policy(name, text)
        return engine

    def document(self, ref, input_value):
        engine = getattr(self.local, "engine", None)
        if engine is None:
            engine = self.local.engine = self.engine_for_thread()
        engine.set_input(input_value)
        results = engine.eval_query(ref).get("result") or []
        if not results:
            return None
        return plain(results[0]["expressions"][0]["value"])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like OPA; every answer has a Content-Length
    policies = None

    def setup(self):
        super().setup()
        # Head and body go out in two writes; without this, Nagle holds the body back
        # until the client's delayed ACK (40 ms per decision).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, {})
        else:
            self.reply(404, {"code": "resource_not_found", "message": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        if not path.startswith("/v1/data/"):
            self.reply(404, {"code": "resource_not_found", "message": "not found"})
            return
        try:
            request = json.loads(raw) if raw else {}
            if not isinstance(request, dict):
                raise ValueError("body must be an object")
        except ValueError as error:
            self.reply(400, {"code": "invalid_parameter", "message": "body contains malformed input document: %s" % error})
            return
        ref = "data." + ".".join(part for part in path[len("/v1/data/"):].split("/") if part)
        try:
            value = self.policies.document(ref, request.get("input", {}))
        except Exception as error:
            self.reply(500, {"code": "internal_error", "message": str(error)})
            return
        self.reply(200, {} if value is None else {"result": value})

    def log_message(self, format, *args):
        sys.stderr.write("opa-rest: " + (format % args) + "\n")


def main(argv):
    if len(argv) not in (1, 2) or not argv[0].isdigit():
        raise SystemExit("usage: opa-rest.py PORT [POLICY_DIR]")
    directory = pathlib.Path(argv[1]) if len(argv) == 2 else pathlib.Path(__file__).resolve().parent.parent / "policies"
    Handler.policies = Policies(directory.resolve())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(argv[0])), Handler)
    server.daemon_threads = True
    sys.stderr.write("opa-rest: listening on 127.0.0.1:%s\n" % argv[0])
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
