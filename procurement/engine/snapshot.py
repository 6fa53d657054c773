"""Snapshots: one self-contained JSON document with every input and the results, its canonical
serialisation and SHA-256 fingerprint, replay, and the JSON Schema (DESIGN §4.4).

Canonical JSON: keys sorted, no insignificant whitespace, UTF-8, no floats (Decimals are
fixed-point strings; inputs without trailing zeros, results as the engine rounded them), lists of
offers, FX rates and each offer's regions, certifications and evaluations in a fixed order. The
fingerprint is the SHA-256 of the canonical JSON of the snapshot without its ``fingerprint`` key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from procurement.engine.codec import JsonValue, json_schema, parse_as, to_jsonable
from procurement.engine.compare import canonical_fx, canonical_offers, compare
from procurement.engine.errors import EngineValidationError, FieldError
from procurement.engine.inputs import FxRate, MatchReply, Offer, Workload
from procurement.engine.legacy import (
    is_legacy,
    upgrade_inputs,
    upgrade_results,
    upgrade_snapshot,
)
from procurement.engine.policy import Policy
from procurement.engine.results import ComparisonResult, SensitivityConfig
from procurement.engine.version import ENGINE_VERSION

SNAPSHOT_VERSION = 2
SCHEMA_ID = "urn:sovereign-inference-procurement:engine:snapshot:2"


@dataclass(frozen=True, slots=True)
class CompareOptions:
    """Options of :func:`procurement.engine.compare` that change results."""

    match_replies: tuple[MatchReply, ...] = ()
    sensitivity: SensitivityConfig | None = None


@dataclass(frozen=True, slots=True)
class SnapshotInputs:
    """Every input of a comparison, exactly as the engine used it."""

    decision_date: dt.date
    workload: Workload
    offers: tuple[Offer, ...]
    policy: Policy
    fx_rates: tuple[FxRate, ...]
    options: CompareOptions = field(default_factory=CompareOptions)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A comparison snapshot: inputs, results, the engine version and the fingerprint (SHA-256
    of the canonical JSON of everything else)."""

    snapshot_version: int
    engine_version: str
    inputs: SnapshotInputs
    results: ComparisonResult
    fingerprint: str


def canonical_json(document: object) -> bytes:
    """Canonical bytes of a JSON-ready document: sorted keys, compact separators, UTF-8.

    Dataclasses are serialised first (Decimals as strings). Floats are refused: they have no
    single canonical text across languages.
    """
    tree = document if _is_json_tree(document) else to_jsonable(document)
    return json.dumps(
        tree, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _is_json_tree(value: object) -> bool:
    if value is None or isinstance(value, bool | int | str):
        return True
    if isinstance(value, list):
        return all(_is_json_tree(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json_tree(v) for k, v in value.items())
    return False


def fingerprint(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``snapshot`` without its ``fingerprint`` key."""
    body = {k: v for k, v in snapshot.items() if k != "fingerprint"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def build_snapshot(
    workload: Workload,
    offers: Sequence[Offer],
    policy: Policy,
    fx_rates: Sequence[FxRate],
    decision_date: dt.date,
    *,
    match_replies: Sequence[MatchReply] = (),
    sensitivity: SensitivityConfig | None = None,
    result: ComparisonResult | None = None,
) -> dict[str, JsonValue]:
    """Run the comparison (unless ``result`` is given) and return the snapshot document.

    Offers and FX rates are put in canonical order first, so reordering them changes neither
    the results nor the fingerprint.
    """
    inputs = SnapshotInputs(
        decision_date=decision_date,
        workload=workload,
        offers=canonical_offers(offers),
        policy=policy,
        fx_rates=canonical_fx(fx_rates),
        options=CompareOptions(tuple(sorted(match_replies, key=lambda r: r.offer_id)), sensitivity),
    )
    if result is None:
        result = _run(inputs)
    return _document(inputs, result)


def _run(inputs: SnapshotInputs) -> ComparisonResult:
    return compare(
        inputs.workload,
        inputs.offers,
        inputs.policy,
        inputs.fx_rates,
        inputs.decision_date,
        match_replies=inputs.options.match_replies,
        sensitivity=inputs.options.sensitivity,
    )


def _document(inputs: SnapshotInputs, result: ComparisonResult) -> dict[str, JsonValue]:
    document: dict[str, JsonValue] = {
        "snapshot_version": SNAPSHOT_VERSION,
        "engine_version": ENGINE_VERSION,
        "inputs": to_jsonable(inputs, normalise=True),
        "results": to_jsonable(result),
    }
    document["fingerprint"] = fingerprint(document)
    return document


@dataclass(frozen=True)
class ReplayReport:
    """What a replay found. ``ok`` only when the stored fingerprint matches the stored content
    and the recomputed results equal the stored ones exactly."""

    ok: bool
    fingerprint_stored: str
    fingerprint_of_content: str
    fingerprint_matches: bool
    results_match: bool
    engine_version_stored: str
    differences: tuple[str, ...]
    recomputed: dict[str, JsonValue]

    def problems(self) -> list[str]:
        """Sentences saying what is wrong (empty when ``ok``)."""
        found: list[str] = []
        if not self.fingerprint_matches:
            found.append(
                f"fingerprint mismatch: the snapshot says {self.fingerprint_stored} but its "
                f"content hashes to {self.fingerprint_of_content} (it was altered after it was "
                f"made)"
            )
        if not self.results_match:
            version = (
                ""
                if self.engine_version_stored == ENGINE_VERSION
                else f" (stored by engine {self.engine_version_stored}, replayed by "
                f"{ENGINE_VERSION})"
            )
            found.append(
                f"recomputed results differ from the stored results{version}: "
                + "; ".join(self.differences)
            )
        return found


def load_results(data: Mapping[str, Any]) -> ComparisonResult:
    """The results of a snapshot (its ``results``, as stored, by this engine or an earlier one)
    as the engine's result types."""
    return parse_as(ComparisonResult, upgrade_results(data), "results")


def load_inputs(data: Mapping[str, Any], engine_version: str = ENGINE_VERSION) -> SnapshotInputs:
    """The inputs of a snapshot (its ``inputs``, as stored by engine ``engine_version``) as the
    engine's input types."""
    return parse_as(SnapshotInputs, upgrade_inputs(data, engine_version), "inputs")


def snapshot_schema() -> dict[str, Any]:
    """The JSON Schema of a snapshot (draft 2020-12), derived from the engine's dataclasses."""
    return json_schema(
        Snapshot,
        title="Comparison snapshot",
        schema_id=SCHEMA_ID,
        description=(
            "Every input of one comparison and its results, as written by "
            "procurement.engine.build_snapshot. fingerprint = SHA-256 of the canonical JSON "
            "(sorted keys, compact, UTF-8) of the document without the fingerprint key. Decimals "
            "are fixed-point strings; money is in INR rounded to the paisa."
        ),
    )


def schema_text() -> str:
    """The schema as printed by ``python -m procurement.engine schema`` and kept in docs/."""
    return json.dumps(snapshot_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def validate_snapshot_document(snapshot: object) -> None:
    """Check a snapshot against the JSON Schema; raise with every violation and its path."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(snapshot_schema())
    errors = sorted(validator.iter_errors(snapshot), key=lambda e: list(e.absolute_path))
    if errors:
        raise EngineValidationError(
            [FieldError(_json_path(error.absolute_path), error.message) for error in errors[:50]]
        )


def _json_path(parts: Sequence[object]) -> str:
    path = "snapshot"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _differences(stored: object, fresh: object, path: str, found: list[str], limit: int) -> None:
    if len(found) >= limit:
        return
    if isinstance(stored, dict) and isinstance(fresh, dict):
        for key in sorted(set(stored) | set(fresh)):
            if key not in stored or key not in fresh:
                found.append(f"{path}.{key}: present in only one of stored and recomputed")
            else:
                _differences(stored[key], fresh[key], f"{path}.{key}", found, limit)
        return
    if isinstance(stored, list) and isinstance(fresh, list):
        if len(stored) != len(fresh):
            found.append(f"{path}: {len(stored)} items stored, {len(fresh)} recomputed")
        for i, (a, b) in enumerate(zip(stored, fresh, strict=False)):
            _differences(a, b, f"{path}[{i}]", found, limit)
        return
    if stored != fresh:
        found.append(f"{path}: stored {stored!r}, recomputed {fresh!r}")


def replay(snapshot: Mapping[str, Any]) -> ReplayReport:
    """Recompute a snapshot's results from its inputs and check them and its fingerprint.

    Raises :class:`EngineValidationError` when the document is not a valid snapshot; otherwise
    reports whether the fingerprint matches the content and the results match to the paisa.
    A snapshot of an earlier engine is read in today's shape (:mod:`legacy`) and recomputed
    under today's rules; its fingerprint is checked on the document as written.
    """
    if is_legacy(snapshot.get("engine_version")):
        # Today's schema describes today's shape; the engine's own types check the old one.
        current = upgrade_snapshot(snapshot)
        load_results(current["results"])
    else:
        validate_snapshot_document(snapshot)
        current = dict(snapshot)
    inputs = load_inputs(current["inputs"])
    recomputed = _document(inputs, _run(inputs))
    differences: list[str] = []
    _differences(current["results"], recomputed["results"], "results", differences, 20)
    stored_fp = str(snapshot["fingerprint"])
    content_fp = fingerprint(snapshot)
    fp_ok = stored_fp == content_fp
    return ReplayReport(
        ok=fp_ok and not differences,
        fingerprint_stored=stored_fp,
        fingerprint_of_content=content_fp,
        fingerprint_matches=fp_ok,
        results_match=not differences,
        engine_version_stored=str(snapshot["engine_version"]),
        differences=tuple(differences),
        recomputed=recomputed,
    )
