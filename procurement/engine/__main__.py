"""Command line: ``python -m procurement.engine {replay,schema,run}``. Needs no Django settings.

* ``replay SNAPSHOT.json [--public-key KEY]`` recomputes the results from the snapshot's inputs
  and prints them as JSON, and says who signed the snapshot (or that it is unsigned); exits 1
  with a message when they differ from the stored results, the fingerprint does not match the
  content, the signature does not match, or — with ``--public-key`` (base64, as the product
  publishes it) — the snapshot is not signed by that key; 2 when the file is not a readable,
  valid snapshot (unreadable, not UTF-8, nested deeper than ``bounds.MAX_JSON_DEPTH``, not JSON,
  not a snapshot, or inputs the engine refuses) or the key is not one.
* ``schema`` prints the snapshot JSON Schema (the same text as docs/snapshot.schema.json).
* ``run INPUTS.json`` runs a comparison and prints its snapshot. INPUTS holds ``decision_date``,
  ``workload``, ``offers``, ``fx_rates``, ``policy`` (a pack document, or the name of a shipped
  pack such as "india-default") and optional ``options``; exits 2 when the file is not
  readable, valid inputs (the same reasons as for replay).

Exit codes: 0 done, 1 replay refused (mismatch), 2 not a readable, valid document. Any problem
with a file's content is a 2, never a 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from procurement.engine.codec import parse_as
from procurement.engine.jsontext import load_json
from procurement.engine.packs import pack_data
from procurement.engine.signing import PublicKey
from procurement.engine.snapshot import (
    SnapshotInputs,
    build_snapshot,
    replay,
    schema_text,
)

EXIT_OK = 0
EXIT_MISMATCH = 1
EXIT_INVALID = 2


def _read_json(path: str) -> Any:
    with open(path, "rb") as handle:
        # Depth checked before parsing; numbers become Decimal, never float.
        return load_json(handle.read())


def _dump(document: object) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def _replay(path: str, public_key_text: str | None) -> int:
    try:
        public_key = PublicKey.from_text(public_key_text) if public_key_text else None
    except ValueError as exc:
        print(f"replay: --public-key: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        document = _read_json(path)
        if not isinstance(document, dict):
            raise ValueError("the document is not a JSON object")
        report = replay(document, public_key=public_key)
    except (OSError, ValueError) as exc:
        print(f"replay: cannot use {path}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(_dump(report.recomputed["results"]))
    if not report.ok:
        for problem in report.problems():
            print(f"replay: REFUSED: {problem}", file=sys.stderr)
        return EXIT_MISMATCH
    print(
        f"replay: OK: results match to the paisa; fingerprint {report.fingerprint_stored}; "
        f"{report.signature.sentence()}",
        file=sys.stderr,
    )
    return EXIT_OK


def _run(path: str) -> int:
    try:
        document = _read_json(path)
        if not isinstance(document, dict):
            raise ValueError("the document is not a JSON object")
        if isinstance(document.get("policy"), str):
            document["policy"] = pack_data(document["policy"])
        inputs = parse_as(SnapshotInputs, document, "inputs")
        snapshot = build_snapshot(
            inputs.workload,
            inputs.offers,
            inputs.policy,
            inputs.fx_rates,
            inputs.decision_date,
            match_replies=inputs.options.match_replies,
            sensitivity=inputs.options.sensitivity,
        )
    except (OSError, ValueError, KeyError) as exc:
        print(f"run: cannot use {path}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(_dump(snapshot))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run one command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m procurement.engine")
    commands = parser.add_subparsers(dest="command", required=True)
    replay_cmd = commands.add_parser("replay", help="recompute and verify a snapshot")
    replay_cmd.add_argument("snapshot", help="path to a snapshot JSON file")
    replay_cmd.add_argument(
        "--public-key",
        metavar="KEY",
        help="require a signature by this Ed25519 public key (base64 of its 32 bytes, as "
        "the product publishes it)",
    )
    commands.add_parser("schema", help="print the snapshot JSON Schema")
    run_cmd = commands.add_parser("run", help="run a comparison and print its snapshot")
    run_cmd.add_argument("inputs", help="path to an inputs JSON file")
    args = parser.parse_args(argv)
    if args.command == "schema":
        sys.stdout.write(schema_text())
        return EXIT_OK
    if args.command == "replay":
        return _replay(args.snapshot, args.public_key)
    return _run(args.inputs)


if __name__ == "__main__":
    sys.exit(main())
