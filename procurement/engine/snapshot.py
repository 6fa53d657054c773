"""Snapshots: one self-contained JSON document with every input and the results, its canonical
serialisation and SHA-256 fingerprint, replay, and the JSON Schema.

Canonical JSON: keys sorted, no insignificant whitespace, UTF-8, no floats (Decimals are
fixed-point strings; inputs without trailing zeros, results as the engine rounded them), lists of
offers, FX rates and each offer's regions, certifications and evaluations in a fixed order. The
fingerprint is the SHA-256 of the canonical JSON of the snapshot without its ``fingerprint`` and
``signature`` keys; the signature (``signing.py``) signs the fingerprint.
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
from procurement.engine.i18n import DEFAULT, _, language, ngettext
from procurement.engine.inputs import FxRate, MatchReply, Offer, TechnicalScore, Workload
from procurement.engine.legacy import (
    is_legacy,
    upgrade_inputs,
    upgrade_results,
    upgrade_snapshot,
)
from procurement.engine.policy import Policy
from procurement.engine.results import SENTENCE_FIELDS, ComparisonResult, SensitivityConfig
from procurement.engine.signing import (
    PublicKey,
    SignatureCheck,
    SigningKey,
    SnapshotSignature,
    check_signature,
)
from procurement.engine.version import ENGINE_VERSION

SNAPSHOT_VERSION = 2
SCHEMA_ID = "urn:sovereign-inference-procurement:engine:snapshot:2"


@dataclass(frozen=True, slots=True)
class CompareOptions:
    """Options of :func:`procurement.engine.compare` that change results."""

    match_replies: tuple[MatchReply, ...] = ()
    sensitivity: SensitivityConfig | None = None
    technical_scores: tuple[TechnicalScore, ...] = ()


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
    """A comparison snapshot: inputs, results, the engine version, the fingerprint (SHA-256 of
    the canonical JSON of everything but the fingerprint and the signature) and, when the
    product stored it, the signature of the fingerprint."""

    snapshot_version: int
    engine_version: str
    inputs: SnapshotInputs
    results: ComparisonResult
    fingerprint: str
    signature: SnapshotSignature | None = None


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


UNHASHED_KEYS = frozenset({"fingerprint", "signature"})


def fingerprint(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``snapshot`` without its ``fingerprint`` and
    ``signature`` keys (so snapshots made before signing keep their fingerprints)."""
    body = {k: v for k, v in snapshot.items() if k not in UNHASHED_KEYS}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def sign_snapshot(snapshot: Mapping[str, JsonValue], key: SigningKey) -> dict[str, JsonValue]:
    """A copy of ``snapshot`` with the signature of its fingerprint by ``key``.

    Refuses (``ValueError``) a snapshot whose fingerprint does not match its content: a key
    signs only what it can vouch for.
    """
    stored = snapshot.get("fingerprint")
    if stored != fingerprint(snapshot):
        raise ValueError(_("the snapshot's fingerprint does not match its content; not signing it"))
    return {**snapshot, "signature": to_jsonable(key.sign(str(stored)))}


def build_snapshot(
    workload: Workload,
    offers: Sequence[Offer],
    policy: Policy,
    fx_rates: Sequence[FxRate],
    decision_date: dt.date,
    *,
    match_replies: Sequence[MatchReply] = (),
    sensitivity: SensitivityConfig | None = None,
    technical_scores: Sequence[TechnicalScore] = (),
    result: ComparisonResult | None = None,
) -> dict[str, JsonValue]:
    """Run the comparison (unless ``result`` is given) and return the snapshot document.

    Offers and FX rates are put in canonical order first, so reordering them changes neither
    the results nor the fingerprint. The results are computed in English whatever language is
    active (:func:`procurement.engine.i18n.language`): a snapshot stores and fingerprints English.
    """
    inputs = SnapshotInputs(
        decision_date=decision_date,
        workload=workload,
        offers=canonical_offers(offers),
        policy=policy,
        fx_rates=canonical_fx(fx_rates),
        options=CompareOptions(
            tuple(sorted(match_replies, key=lambda r: (r.offer_id, r.preference))),
            sensitivity,
            tuple(sorted(technical_scores, key=lambda t: t.offer_id)),
        ),
    )
    if result is None:
        with language(DEFAULT):
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
        technical_scores=inputs.options.technical_scores,
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


def _fingerprint_problem(stored: str, of_content: str) -> list[str]:
    if stored == of_content:
        return []
    return [
        _(
            "fingerprint mismatch: the snapshot says {stored} but its content hashes to "
            "{of_content} (it was altered after it was made)"
        ).format(stored=stored, of_content=of_content)
    ]


def _signature_problem(signature: SignatureCheck) -> list[str]:
    return [] if signature.acceptable else [signature.sentence()]


@dataclass(frozen=True)
class SnapshotCheck:
    """What a snapshot says about itself, checked without recomputing it: its fingerprint
    against its content, and its signature (see :class:`SignatureCheck`)."""

    fingerprint_stored: str
    fingerprint_of_content: str
    signature: SignatureCheck

    @property
    def fingerprint_matches(self) -> bool:
        return self.fingerprint_stored == self.fingerprint_of_content

    @property
    def ok(self) -> bool:
        return self.fingerprint_matches and self.signature.acceptable

    def problems(self) -> list[str]:
        """Sentences saying what is wrong (empty when ``ok``)."""
        return _fingerprint_problem(
            self.fingerprint_stored, self.fingerprint_of_content
        ) + _signature_problem(self.signature)


@dataclass(frozen=True)
class ReplayReport:
    """What a replay found. ``ok`` only when the stored fingerprint matches the stored content,
    the recomputed results equal the stored ones exactly, and the signature, if any, matches
    (and is by the required key, when one was given)."""

    ok: bool
    fingerprint_stored: str
    fingerprint_of_content: str
    fingerprint_matches: bool
    results_match: bool
    engine_version_stored: str
    differences: tuple[str, ...]
    recomputed: dict[str, JsonValue]
    signature: SignatureCheck

    def problems(self) -> list[str]:
        """Sentences saying what is wrong (empty when ``ok``)."""
        found = _fingerprint_problem(self.fingerprint_stored, self.fingerprint_of_content)
        if not self.results_match:
            differ = (
                _("recomputed results differ from the stored results: {differences}")
                if self.engine_version_stored == ENGINE_VERSION
                else _(
                    "recomputed results differ from the stored results (stored by engine "
                    "{stored}, replayed by {current}): {differences}"
                )
            )
            found.append(
                differ.format(
                    stored=self.engine_version_stored,
                    current=ENGINE_VERSION,
                    differences="; ".join(self.differences),
                )
            )
        return found + _signature_problem(self.signature)


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
    schema = json_schema(
        Snapshot,
        title="Comparison snapshot",
        schema_id=SCHEMA_ID,
        description=(
            "Every input of one comparison and its results, as written by "
            "procurement.engine.build_snapshot. fingerprint = SHA-256 of the canonical JSON "
            "(sorted keys, compact, UTF-8) of the document without the fingerprint and "
            "signature keys. signature, present when the product stored the snapshot, is the "
            "Ed25519 signature of the fingerprint. Decimals are fixed-point strings; money is in "
            "INR rounded to the paisa."
        ),
    )
    # A snapshot is either signed or carries no signature at all (never a null one): those the
    # engine makes on its own, and those stored before signing began, have none.
    schema["required"].remove("signature")
    schema["properties"]["signature"] = {"$ref": "#/$defs/SnapshotSignature"}
    return schema


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
                found.append(
                    _("{path}: present in only one of stored and recomputed").format(
                        path=f"{path}.{key}"
                    )
                )
            else:
                _differences(stored[key], fresh[key], f"{path}.{key}", found, limit)
        return
    if isinstance(stored, list) and isinstance(fresh, list):
        if len(stored) != len(fresh):
            found.append(
                ngettext(
                    "{path}: {stored} items stored, {recomputed} recomputed",
                    "{path}: {stored} items stored, {recomputed} recomputed",
                    len(stored),
                ).format(path=path, stored=len(stored), recomputed=len(fresh))
            )
        for i, (a, b) in enumerate(zip(stored, fresh, strict=False)):
            _differences(a, b, f"{path}[{i}]", found, limit)
        return
    if stored != fresh:
        found.append(
            _("{path}: stored {stored}, recomputed {recomputed}").format(
                path=path, stored=repr(stored), recomputed=repr(fresh)
            )
        )


def _check(snapshot: Mapping[str, Any], public_key: PublicKey | None) -> SnapshotCheck:
    content_fp = fingerprint(snapshot)
    return SnapshotCheck(
        fingerprint_stored=str(snapshot["fingerprint"]),
        fingerprint_of_content=content_fp,
        signature=check_signature(snapshot.get("signature"), content_fp, public_key),
    )


def verify_snapshot(
    snapshot: Mapping[str, Any], *, public_key: PublicKey | None = None
) -> SnapshotCheck:
    """Check a snapshot's fingerprint against its content and its signature against the
    fingerprint, without recomputing the results (fast enough for a public page).

    The signature is checked against the fingerprint of the content, so it vouches for what the
    file holds. With ``public_key`` the snapshot must be signed by that key. Raises
    :class:`EngineValidationError` when the document is not a valid snapshot.
    """
    _valid_current(snapshot)
    return _check(snapshot, public_key)


def _valid_current(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """The snapshot in today's shape, checked: against the JSON Schema when it is today's; by
    the engine's own types when an earlier engine wrote it (the schema describes today's)."""
    if is_legacy(snapshot.get("engine_version")):
        current = upgrade_snapshot(snapshot)
        load_inputs(current["inputs"])
        load_results(current["results"])
        return current
    validate_snapshot_document(snapshot)
    return dict(snapshot)


def replay(snapshot: Mapping[str, Any], *, public_key: PublicKey | None = None) -> ReplayReport:
    """Recompute a snapshot's results from its inputs and check them, its fingerprint and its
    signature (as :func:`verify_snapshot` does; ``public_key`` requires that signer).

    Raises :class:`EngineValidationError` when the document is not a valid snapshot; otherwise
    reports whether the fingerprint matches the content, the results match to the paisa and
    who signed. A snapshot of an earlier engine is read in today's shape (:mod:`legacy`) and
    recomputed under today's rules; its fingerprint is checked on the document as written.
    """
    current = _valid_current(snapshot)
    inputs = load_inputs(current["inputs"])
    with language(DEFAULT):  # stored results are English, whatever language is active
        recomputed = _document(inputs, _run(inputs))
    differences: list[str] = []
    # The engine that wrote the results is reported on its own (engine_version_stored), and is
    # not a result: an earlier engine whose figures today's reproduces exactly replays as a match.
    stored_results = {**current["results"], "engine_version": ENGINE_VERSION}
    _differences(stored_results, recomputed["results"], "results", differences, 20)
    check = _check(snapshot, public_key)
    return ReplayReport(
        ok=check.ok and not differences,
        fingerprint_stored=check.fingerprint_stored,
        fingerprint_of_content=check.fingerprint_of_content,
        fingerprint_matches=check.fingerprint_matches,
        results_match=not differences,
        engine_version_stored=str(snapshot["engine_version"]),
        differences=tuple(differences),
        recomputed=recomputed,
        signature=check.signature,
    )


def _figures(node: object) -> object:
    """A results tree without its sentences (:data:`SENTENCE_FIELDS`, at any depth)."""
    if isinstance(node, dict):
        return {k: _figures(v) for k, v in node.items() if k not in SENTENCE_FIELDS}
    if isinstance(node, list):
        return [_figures(v) for v in node]
    return node


def results_in(snapshot: Mapping[str, Any], code: str) -> ComparisonResult | None:
    """The snapshot's results with their sentences in language ``code`` ("hi", "en"), or None
    when today's engine does not reproduce the stored figures.

    A snapshot stores its results in English, and its fingerprint and signature vouch for that
    English (:mod:`procurement.engine.i18n`). To show them in another language the results are
    recomputed from the snapshot's inputs under ``language(code)``. That is only a translation
    of the stored results if the recomputed figures are the stored ones: a snapshot of an earlier
    engine whose figures today's engine no longer reproduces (or whose inputs it now refuses)
    gives None, and the page keeps the stored English sentences.

    "Figures" are everything in the results except the sentence fields
    (:data:`~procurement.engine.results.SENTENCE_FIELDS`: messages, notes, statements, the
    explanation…) and the engine version (reported apart, as :func:`replay` does). They are
    compared exactly, as :func:`replay` compares, on the recomputation in ``code`` itself: the
    language changes only the sentence fields — the engine computes every figure before it writes
    a sentence and never reads one back — so a second recomputation in English would give the
    same figures at twice the cost (tests/engine/test_engine_language.py checks this with a
    catalogue that rewrites every message). Stored sentences that differ from today's English
    wording do not make the figures differ.

    The snapshot is one the product stored (it was checked against the JSON Schema when it was
    built), so only its inputs are read, by the engine's own types, which refuse what they
    cannot read: the schema check, three quarters of the time, is not repeated. Raises
    :class:`EngineValidationError` when the inputs cannot be read; the fingerprint and
    signature are not checked here (:func:`verify_snapshot` does that).
    """
    legacy = is_legacy(snapshot.get("engine_version"))
    current = upgrade_snapshot(snapshot) if legacy else snapshot
    inputs = load_inputs(current["inputs"])
    try:
        with language(code):
            recomputed = _run(inputs)
    except EngineValidationError:
        return None  # today's engine refuses the inputs: nothing reproduces the stored figures
    stored = {**current["results"], "engine_version": ENGINE_VERSION}
    if _figures(stored) != _figures(to_jsonable(recomputed)):
        return None
    return recomputed
