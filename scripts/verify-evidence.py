#!/usr/bin/env python3
"""An independent verifier of a safemut evidence bundle (not our Swift code).

Implements the DSSE v1 protocol from its spec (PAE = "DSSEv1" SP LEN(type) SP type SP
LEN(body) SP body) with pyca/cryptography's ECDSA P-256/SHA-256, checks every envelope
of the bundle is a signed in-toto Statement v1, and every manifest.json digest. It also
verifies every signature with securesystemslib's ECDSA key code when it is installed.

  python3 scripts/verify-evidence.py DIR PUB.pem     exit 0 valid, 1 problems (printed)
"""
import base64
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


def pae(payload_type: bytes, payload: bytes) -> bytes:
    return b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type, len(payload), payload)


def verify_envelope(path, key, problems):
    with open(path, "rb") as handle:
        envelope = json.load(handle)
    payload = base64.b64decode(envelope["payload"], validate=True)
    message = pae(envelope["payloadType"].encode(), payload)
    ok = False
    for signature in envelope["signatures"]:
        try:
            key.verify(base64.b64decode(signature["sig"], validate=True), message, ec.ECDSA(hashes.SHA256()))
            ok = True
        except InvalidSignature:
            pass
    if not ok:
        problems.append(f"{path}: no signature verifies")
        return None
    statement = json.loads(payload)
    if envelope["payloadType"] != "application/vnd.in-toto+json" or statement.get("_type") != "https://in-toto.io/Statement/v1":
        problems.append(f"{path}: not an in-toto Statement v1 envelope")
    for subject in statement.get("subject", []):
        if len(subject.get("digest", {}).get("sha256", "")) != 64:
            problems.append(f"{path}: a subject without a sha256 digest")
    return statement


def securesystemslib_check(paths, pem, problems):
    """The same envelopes through securesystemslib's ECDSA key verification (Debian's
    python3-securesystemslib 0.26 has no DSSE module, so the PAE is this script's)."""
    try:
        from securesystemslib.signer import Signature, SSlibKey
    except ImportError:
        return "securesystemslib not installed"
    public = serialization.load_pem_public_key(pem)
    keyid = hashlib.sha256(public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).hexdigest()
    sslib_key = SSlibKey(keyid, "ecdsa", "ecdsa-sha2-nistp256", {"public": pem.decode()})
    for path in paths:
        with open(path, "rb") as handle:
            envelope = json.load(handle)
        message = pae(envelope["payloadType"].encode(), base64.b64decode(envelope["payload"], validate=True))
        verified = False
        for signature in envelope["signatures"]:
            if signature.get("keyid") != keyid:
                continue
            try:
                sslib_key.verify_signature(Signature(keyid, base64.b64decode(signature["sig"]).hex()), message)
                verified = True
            except Exception:  # UnverifiedSignatureError / VerificationError
                pass
        if not verified:
            problems.append(f"{path}: securesystemslib: no signature by key {keyid[:12]} verifies")
    return "securesystemslib verified %d envelope(s)" % len(paths)


def main():
    directory, key_path = sys.argv[1], sys.argv[2]
    with open(key_path, "rb") as handle:
        pem = handle.read()
    key = serialization.load_pem_public_key(pem)
    problems = []
    with open(os.path.join(directory, "manifest.json"), "rb") as handle:
        manifest = json.load(handle)
    listed = set()
    for entry in manifest["files"]:
        listed.add(entry["path"])
        path = os.path.join(directory, entry["path"])
        if not os.path.exists(path):
            problems.append(f"{entry['path']}: missing")
            continue
        with open(path, "rb") as handle:
            if "sha256:" + hashlib.sha256(handle.read()).hexdigest() != entry["sha256"]:
                problems.append(f"{entry['path']}: digest differs from manifest.json")
    for root, _, files in os.walk(directory):
        for name in files:
            relative = os.path.relpath(os.path.join(root, name), directory)
            if relative != "manifest.json" and relative not in listed:
                problems.append(f"{relative}: not in manifest.json")
    envelopes = sorted(os.path.join(directory, p) for p in listed if p.endswith(".dsse.json"))
    summary = None
    for path in envelopes:
        statement = verify_envelope(path, key, problems)
        if path.endswith("summary.intoto.dsse.json"):
            summary = statement
    if summary is None:
        problems.append("no verified summary statement")
    else:
        named = {g["statement"] for g in summary["predicate"]["gates"]}
        present = {os.path.relpath(p, directory) for p in envelopes if "statements/" in p}
        if named != present:
            problems.append(f"summary names {sorted(named)}, bundle has {sorted(present)}")
    note = securesystemslib_check(envelopes, pem, problems)
    for problem in problems:
        print("PROBLEM:", problem)
    print(f"independent verifier: {len(envelopes)} envelope(s), {len(listed)} file(s); {note}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
