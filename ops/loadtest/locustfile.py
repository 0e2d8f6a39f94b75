"""The load test (issue 18, SPEC §13; gate G5 reads what it writes): locust users sending
journeys.py's mix (reads, cheap and costly mutations, one needing four-eyes) through the
gateway as several tenants. Run it with ops/load-test.sh, which also registers the documents
for enforce mode and writes the JSON summary; by hand:

  python3 -m locust -f ops/loadtest/locustfile.py --headless -u 20 -r 5 -t 60s \
      --host "$BASE_URL" --csv loadtest/run --csv-full-history

Environment:
  PQ_PHASE        enforce: every request carries its persisted-query hash, and one journey in
                  ten sends the hash alone (a registered client); log/off: documents only
  LOAD_TENANTS    comma-separated tenants the users spread over (default test,demo)
  LOAD_HOSTS      comma-separated gateways to spread the users over (default: --host)
  LOAD_USER       X-User-Id prefix (default loadtest)
  LOAD_WAIT_SECONDS  think time between requests (default 0.1)
  LOAD_ANSWERS    a file to append one JSON line per answer to (time, host, tenant, name,
                  status, code, request id, milliseconds): the chaos test checks the ledger
                  against it

A correct gateway's typed refusals (402 over budget, 429 rate, 403 approval required, 503
DOWNSHIFTED) count as successes; any other non-200, a reset or a timeout is a failure.
"""
import itertools
import json
import os
import sys
import threading
import time

import locust.stats
from locust import HttpUser, constant, task

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import journeys  # noqa: E402  (beside this file)

# locust flushes the history file only every 10 s and not at exit: a run's last seconds
# would be missing from the evidence. Flush each window.
locust.stats.CSV_STATS_FLUSH_INTERVAL_SEC = 1

PERSISTED = os.environ.get("PQ_PHASE", "log") == "enforce"
TENANTS = [t for t in os.environ.get("LOAD_TENANTS", os.environ.get("LOAD_TENANT", "test,demo")).split(",") if t]
HOSTS = [h.rstrip("/") for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]
USER_PREFIX = os.environ.get("LOAD_USER", "loadtest")
ANSWERS = os.environ.get("LOAD_ANSWERS")
_answers_lock = threading.Lock()
_answers_file = open(ANSWERS, "a", buffering=1) if ANSWERS else None
_numbers = itertools.count()


def record(entry):
    if _answers_file is not None:
        with _answers_lock:
            _answers_file.write(json.dumps(entry, sort_keys=True) + "\n")


class GraphQLUser(HttpUser):
    wait_time = constant(float(os.environ.get("LOAD_WAIT_SECONDS", "0.1")))

    def on_start(self):
        number = next(_numbers)
        self.tenant = TENANTS[number % len(TENANTS)]
        self.base = HOSTS[number % len(HOSTS)] if HOSTS else ""
        self.headers = {"Content-Type": "application/json", "X-Tenant": self.tenant, "X-User-Id": f"{USER_PREFIX}-{number}"}
        self.sent = 0
        self.entity = "missing"
        created = self.send(journeys.JOURNEYS[3])
        try:
            self.entity = created["data"]["createEntity"]["id"]
        except (TypeError, KeyError):
            pass

    def variables(self, journey):
        spec = journey["variables"]
        if spec == "entity-name":
            return {"name": f"load-{self.tenant}-{self.sent}"}
        if spec == "five-names":
            return {"names": [f"batch-{self.sent}-{i}" for i in range(5)]}
        if spec == "own-entity":
            return {"id": self.entity}
        return spec

    def send(self, journey):
        self.sent += 1
        hash_only = PERSISTED and self.sent % 10 == 0
        payload = journeys.body(journey, self.variables(journey), PERSISTED, hash_only=hash_only)
        started = time.time()
        parsed = None
        with self.client.post(self.base + "/graphql", json=payload, headers=self.headers, name=journey["name"],
                              catch_response=True) as response:
            status = response.status_code or 0
            text = response.text or ""
            outcome, code = journeys.classify(status, text)
            if outcome == "failed":
                response.failure(f"{status} {code or text[:80]}")
            else:
                response.success()
            if status == 200:
                try:
                    parsed = json.loads(text)
                except ValueError:
                    parsed = None
            record({
                "at": round(started, 3), "host": self.base or self.host, "tenant": self.tenant, "name": journey["name"],
                "kind": journey["kind"], "status": status, "code": code, "outcome": outcome,
                "request_id": response.headers.get("X-Request-Id") if response.headers else None,
                "ms": round((time.time() - started) * 1000, 1),
            })
        return parsed

    @task
    def journey(self):
        pick = self.sent % journeys.TOTAL_WEIGHT
        for journey in journeys.JOURNEYS:
            pick -= journey["weight"]
            if pick < 0:
                self.send(journey)
                return
