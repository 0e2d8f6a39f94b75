"""The load test's traffic (issue 18): which GraphQL documents, in which mix, and what a
correct gateway may answer each with. Pure data and functions; locustfile.py sends it and
load-test.sh registers the documents as an Apollo persisted-query manifest for enforce mode.

The documents are IntelGraph's (the demo's examples/intelgraph/operations); point
LOAD_JOURNEYS at another module of this shape to drive a different API.
"""
import hashlib
import json

# name: (weight, kind, document, variables builder key, the answers that are correct refusals)
# A refusal that a correct gateway gives on purpose (over budget, rate, approval needed,
# downshifted) is not a failure of the system under test; a 5xx, a reset or a 400 is.
EXPECTED_REFUSALS = {402: "BUDGET_EXCEEDED", 429: "RATE_LIMITED", 403: "APPROVAL_REQUIRED"}

JOURNEYS = [
    # Reads: the bulk of the traffic, never debited.
    {"name": "query Health", "weight": 6, "kind": "query", "document": "query Health { health }", "variables": None},
    {"name": "query ListEntities", "weight": 3, "kind": "query",
     "document": "query ListEntities($limit: Int) { entities(limit: $limit) { id name type } }",
     "variables": {"limit": 5}},
    # Cheap mutations: $0.001 and $0.02.
    {"name": "mutation SafeNoop", "weight": 3, "kind": "mutation", "document": "mutation SafeNoop { SafeNoop }", "variables": None},
    {"name": "mutation CreateEntity", "weight": 4, "kind": "mutation",
     "document": "mutation CreateEntity($name: String!) { createEntity(name: $name) { id name } }",
     "variables": "entity-name"},
    # Costly mutations: a batch priced per item, an LLM summary at $0.25.
    {"name": "mutation BulkImportEntities", "weight": 1, "kind": "mutation",
     "document": "mutation BulkImportEntities($names: [String!]!) { bulkImportEntities(names: $names) { id } }",
     "variables": "five-names"},
    {"name": "mutation SummarizeEntity", "weight": 1, "kind": "mutation",
     "document": "mutation SummarizeEntity($id: ID!) { summarizeEntity(id: $id) }",
     "variables": "own-entity"},
    # Needs two approvals (risk tag destructive): a correct gateway answers 403 APPROVAL_REQUIRED.
    {"name": "mutation DeleteEntity (four-eyes)", "weight": 1, "kind": "mutation",
     "document": "mutation DeleteEntity($id: ID!) { deleteEntity(id: $id) }",
     "variables": "own-entity"},
]

TOTAL_WEIGHT = sum(j["weight"] for j in JOURNEYS)


def sha256(document):
    return hashlib.sha256(document.encode()).hexdigest()


def manifest():
    """The Apollo persisted-query manifest of every document the load test sends."""
    operations = []
    for journey in JOURNEYS:
        kind, name = journey["name"].split(" ")[:2]
        operations.append({"id": sha256(journey["document"]), "name": name, "type": kind, "body": journey["document"]})
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}


def body(journey, variables, persisted, hash_only=False):
    """The request body: the document, and in enforce mode its persisted-query hash too
    (hash_only: the hash alone, as a client does once its document is registered)."""
    out = {}
    if not hash_only:
        out["query"] = journey["document"]
    if variables is not None:
        out["variables"] = variables
    if persisted:
        out["extensions"] = {"persistedQuery": {"version": 1, "sha256Hash": sha256(journey["document"])}}
    return out


def classify(status, text):
    """'ok', 'refused' (a correct, typed refusal) or 'failed', with the error code if any."""
    code = None
    if status and status != 200:
        try:
            errors = json.loads(text).get("errors") or [{}]
            code = (errors[0].get("extensions") or {}).get("code")
        except (ValueError, AttributeError):
            code = None
    if status == 200:
        return "ok", code
    if status in EXPECTED_REFUSALS and EXPECTED_REFUSALS[status] == code:
        return "refused", code
    if status == 503 and code == "DOWNSHIFTED":
        return "refused", code
    return "failed", code


if __name__ == "__main__":
    print(json.dumps(manifest(), indent=2, sort_keys=True))
