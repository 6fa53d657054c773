#!/usr/bin/env python3
"""Verify a comparison snapshot without this product's source: Python 3.11+ and `cryptography`.

    python verify_snapshot.py snapshot.json [--public-key KEY]

Checks what the product's /verify/ page checks: the snapshot's ``fingerprint`` is the SHA-256 of
its canonical JSON without the ``fingerprint`` and ``signature`` keys (keys sorted, separators
``,`` and ``:`` with no spaces, UTF-8 with no escaping of non-ASCII characters; numbers with a
fraction never occur: the product writes them as strings), and its ``signature`` is an Ed25519
signature (RFC 8032) of the ASCII text "sovereign-inference-procurement snapshot fingerprint "
followed by the fingerprint's 64 hex digits, by the public key it carries. ``--public-key``
(base64 of the 32 raw bytes, as /verify/key/ publishes it) requires that key. It does not
recompute the results (``python -m procurement.engine replay`` does, with the product's engine).

Exit status 0 when the snapshot checks out, 1 when it does not, 2 when the file cannot be read.
tests/test_verify_snapshot_script.py keeps it in agreement with the product.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SIGNED_PREFIX = b"sovereign-inference-procurement snapshot fingerprint "
UNHASHED_KEYS = ("fingerprint", "signature")


def canonical_json(document: Any) -> bytes:
    text = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def fingerprint(snapshot: dict[str, Any]) -> str:
    body = {key: value for key, value in snapshot.items() if key not in UNHASHED_KEYS}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def raw(text: Any, size: int, what: str) -> bytes:
    try:
        value = base64.b64decode(str(text).strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not base64 text") from None
    if len(value) != size:
        raise ValueError(f"{what} must be {size} bytes written in base64 (got {len(value)})")
    return value


def key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def verify(snapshot: dict[str, Any], expected_key: bytes | None = None) -> tuple[bool, str]:
    """Whether the snapshot checks out, and one sentence saying why."""
    stored = snapshot.get("fingerprint")
    content = fingerprint(snapshot)
    if stored != content:
        return False, f"fingerprint does not match the content (content hashes to {content})"
    signature = snapshot.get("signature")
    if signature is None:
        if expected_key is not None:
            return False, "unsigned: a signature by the given key is required"
        return True, f"fingerprint {content} matches; unsigned"
    if not isinstance(signature, dict) or signature.get("algorithm") != "Ed25519":
        return False, "signature does not match: it is not an Ed25519 signature object"
    try:
        public_key = raw(signature.get("public_key"), 32, "the public key")
        value = raw(signature.get("value"), 64, "the signature value")
    except ValueError as error:
        return False, f"signature does not match: {error}"
    if signature.get("key_id") != key_id(public_key):
        return False, "signature does not match: its key_id is not that of its public key"
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            value, SIGNED_PREFIX + content.encode("ascii")
        )
    except InvalidSignature:
        return False, "signature does not match: not a signature of this fingerprint"
    if expected_key is not None and public_key != expected_key:
        return False, f"signed by key {key_id(public_key)}, not by the expected key"
    return True, f"fingerprint {content} matches; signed by key {key_id(public_key)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshot", help="the snapshot file (JSON)")
    parser.add_argument("--public-key", help="require this key (base64, from /verify/key/)")
    args = parser.parse_args(argv)
    try:
        with open(args.snapshot, encoding="utf-8") as handle:
            snapshot = json.load(handle)
        expected = raw(args.public_key, 32, "--public-key") if args.public_key else None
    except (OSError, ValueError) as error:
        print(f"verify_snapshot: cannot read: {error}", file=sys.stderr)
        return 2
    if not isinstance(snapshot, dict):
        print("verify_snapshot: cannot read: the file is JSON but not a snapshot", file=sys.stderr)
        return 2
    ok, sentence = verify(snapshot, expected)
    print(f"verify_snapshot: {'OK' if ok else 'REFUSED'}: {sentence}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
