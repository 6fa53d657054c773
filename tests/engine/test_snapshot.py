"""Snapshots: canonical JSON, fingerprint, replay (library and command line), JSON Schema."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from procurement.engine import (
    EngineValidationError,
    FxRate,
    MatchReply,
    SensitivityConfig,
    build_snapshot,
    canonical_json,
    fingerprint,
    replay,
    snapshot_schema,
)
from procurement.engine.snapshot import schema_text
from tests.engine.builders import DECISION, INDIA, USD, foreign_offer, offer, workload
from tests.engine.catalogue import contested_catalogue
from tests.engine.test_compare import PRICE_ONLY, mii_offers, qcbs_offers

D = Decimal
ROOT = Path(__file__).resolve().parents[2]


def snapshots() -> dict[str, dict[str, Any]]:
    """A snapshot of each kind of comparison the other tests exercise."""
    price_only = workload(**PRICE_ONLY)
    return {
        "mii-match": build_snapshot(price_only, mii_offers(), INDIA, [USD], DECISION),
        "mii-declines": build_snapshot(
            price_only,
            mii_offers(),
            INDIA,
            [USD],
            DECISION,
            match_replies=[MatchReply("c-class-i-a", accepts=False)],
        ),
        "qcbs": build_snapshot(
            workload(**PRICE_ONLY, evaluation_method="qcbs", qcbs_technical_weight_pct=D(70)),
            qcbs_offers(),
            INDIA,
            [USD],
            DECISION,
        ),
        "no-eligible": build_snapshot(
            workload(global_tender_approved=False), [foreign_offer()], INDIA, [USD], DECISION
        ),
        "sensitivity": build_snapshot(
            workload(term_years=5, annual_growth_pct=D(20)),
            contested_catalogue(1, 12),
            INDIA,
            [USD],
            DECISION,
            sensitivity=SensitivityConfig(scenarios=2000, seed=42),
        ),
    }


SNAPSHOTS = snapshots()


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_every_snapshot_replays_to_the_paisa_and_the_same_fingerprint(name: str) -> None:
    snapshot = json.loads(json.dumps(SNAPSHOTS[name]))  # as stored and read back
    report = replay(snapshot)
    assert report.ok, report.problems()
    assert report.recomputed == snapshot
    assert report.recomputed["fingerprint"] == snapshot["fingerprint"]


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_every_snapshot_matches_the_schema(name: str) -> None:
    jsonschema.Draft202012Validator(snapshot_schema()).validate(SNAPSHOTS[name])


def test_fingerprint_is_sha256_of_the_canonical_json_without_the_fingerprint() -> None:
    import hashlib

    snapshot = SNAPSHOTS["mii-match"]
    body = {k: v for k, v in snapshot.items() if k != "fingerprint"}
    expected = hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert snapshot["fingerprint"] == fingerprint(snapshot) == expected


def test_canonical_json_sorts_keys_and_refuses_floats() -> None:
    assert canonical_json({"b": 1, "a": {"d": "x", "c": None}}) == b'{"a":{"c":null,"d":"x"},"b":1}'
    with pytest.raises(TypeError):
        canonical_json({"amount": 1.5})


def test_snapshot_carries_decimals_as_strings_and_money_to_the_paisa() -> None:
    snapshot = SNAPSHOTS["mii-match"]
    assert snapshot["inputs"]["fx_rates"][0]["rate_to_inr"] == "91.087"
    award = snapshot["results"]["recommendation"]["award"]
    assert award["cost_inr"] == "4307000.00"
    assert not _has_float(snapshot)


def _has_float(node: object) -> bool:
    if isinstance(node, float):
        return True
    if isinstance(node, dict):
        return any(_has_float(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_float(v) for v in node)
    return False


def test_reordering_offers_and_rates_keeps_the_fingerprint() -> None:
    offers = mii_offers()
    rates = [USD, FxRate("EUR", D("99.5"), DECISION, "test")]
    one = build_snapshot(workload(**PRICE_ONLY), offers, INDIA, rates, DECISION)
    two = build_snapshot(
        workload(**PRICE_ONLY), list(reversed(offers)), INDIA, list(reversed(rates)), DECISION
    )
    assert one["fingerprint"] == two["fingerprint"]
    assert replay(two).ok


def test_trailing_zeros_do_not_change_the_fingerprint() -> None:
    shifted = FxRate("USD", D("91.08700"), USD.date, USD.source)
    one = build_snapshot(workload(), [foreign_offer()], INDIA, [USD], DECISION)
    two = build_snapshot(workload(), [foreign_offer()], INDIA, [shifted], DECISION)
    assert one["fingerprint"] == two["fingerprint"]
    assert replay(two).ok


def test_tampered_results_are_refused() -> None:
    snapshot = copy.deepcopy(SNAPSHOTS["mii-match"])
    snapshot["results"]["recommendation"]["award"]["offer_id"] = "a-non-local"
    snapshot["fingerprint"] = fingerprint(snapshot)  # even with a recomputed fingerprint
    report = replay(snapshot)
    assert not report.ok and report.fingerprint_matches and not report.results_match
    assert "results.recommendation.award.offer_id: stored 'a-non-local'" in report.problems()[0]


def test_tampered_inputs_break_the_fingerprint() -> None:
    snapshot = copy.deepcopy(SNAPSHOTS["mii-match"])
    snapshot["inputs"]["offers"][0]["price"]["output_per_mtok"] = "90"
    report = replay(snapshot)
    assert not report.ok and not report.fingerprint_matches
    assert "fingerprint mismatch" in report.problems()[0]


def test_an_invalid_document_is_rejected_with_field_paths() -> None:
    snapshot = copy.deepcopy(SNAPSHOTS["mii-match"])
    snapshot["inputs"]["workload"]["term_years"] = "three"
    del snapshot["results"]["ranking"]
    with pytest.raises(EngineValidationError) as exc:
        replay(snapshot)
    paths = [p for p, _ in exc.value.as_pairs()]
    assert "snapshot.inputs.workload.term_years" in paths
    assert "snapshot.results" in paths


def test_schema_file_in_docs_is_what_the_command_prints() -> None:
    assert (ROOT / "docs" / "snapshot.schema.json").read_text(encoding="utf-8") == schema_text()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    return subprocess.run(
        [sys.executable, "-m", "procurement.engine", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_line_schema_and_replay(tmp_path: Path) -> None:
    schema = _cli("schema")
    assert schema.returncode == 0 and schema.stdout == schema_text()

    good = tmp_path / "snapshot.json"
    good.write_text(json.dumps(SNAPSHOTS["sensitivity"]), encoding="utf-8")
    ok = _cli("replay", str(good))
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == SNAPSHOTS["sensitivity"]["results"]
    assert "replay: OK" in ok.stderr

    tampered = copy.deepcopy(SNAPSHOTS["sensitivity"])
    tampered["results"]["offers"][0]["tco"]["npv_inr"] = "1.00"
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(tampered), encoding="utf-8")
    refused = _cli("replay", str(bad))
    assert refused.returncode == 1
    assert "REFUSED: fingerprint mismatch" in refused.stderr
    assert "recomputed results differ" in refused.stderr

    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    invalid = _cli("replay", str(garbage))
    assert invalid.returncode == 2 and "cannot use" in invalid.stderr
    assert _cli("replay", str(tmp_path / "missing.json")).returncode == 2


def test_command_line_run_builds_a_snapshot_that_replays(tmp_path: Path) -> None:
    from procurement.engine.codec import to_jsonable

    inputs = {
        "decision_date": DECISION.isoformat(),
        "workload": to_jsonable(workload()),
        "offers": to_jsonable((offer(), foreign_offer())),
        "fx_rates": to_jsonable((USD,)),
        "policy": "india-default",
    }
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps(inputs), encoding="utf-8")
    run = _cli("run", str(path))
    assert run.returncode == 0, run.stderr
    snapshot = json.loads(run.stdout)
    assert replay(snapshot).ok


def test_engine_imports_without_django() -> None:
    code = (
        "import sys, procurement.engine; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('django', 'rest_framework', 'celery', 'providers', 'config')]; "
        "assert not bad, bad"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
    assert result.returncode == 0, result.stderr


def _codes(results: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    offer_codes = {o["code"] for r in results["offers"] for o in r["outcomes"]}
    gate_codes = {g["code"] for g in results["gates"]}
    reasons = {p["reason"] for p in results["preferences"]}
    return offer_codes, gate_codes, reasons


def test_every_code_emitted_is_registered_and_documented() -> None:
    from procurement.engine.codes import COMPARISON_GATES, OFFER_RULES, PREFERENCE_REASONS

    for snapshot in SNAPSHOTS.values():
        offer_codes, gate_codes, reasons = _codes(snapshot["results"])
        assert offer_codes <= set(OFFER_RULES)
        assert gate_codes <= set(COMPARISON_GATES)
        assert reasons <= set(PREFERENCE_REASONS)
    docs = (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")
    for code in (*OFFER_RULES, *COMPARISON_GATES, *PREFERENCE_REASONS):
        assert f"`{code}`" in docs, code
