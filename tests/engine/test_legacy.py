"""Records written by engine 1.0.0 are never rewritten: today's engine reads them as they are.

tests/data/snapshot-engine-1.0.0.json was written by engine 1.0.0 (main at b5bb3ea) for §1.8 A
with the Class-I supplier assumed to decline: that engine let the transition premium award the
domestic Class-II offer (the defect issue 10 fixed).
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from procurement.engine import fingerprint, load_inputs, load_results, replay
from procurement.engine.legacy import NOT_RECORDED

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "snapshot-engine-1.0.0.json"
ROOT = Path(__file__).resolve().parents[2]


def old() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SNAPSHOT.read_text(), parse_float=Decimal)
    return document


def test_old_results_read_as_that_engine_computed_them() -> None:
    document = old()
    results = load_results(document["results"])
    award = results.recommendation.award
    assert (results.engine_version, award.offer_id, award.mechanism) == (
        "1.0.0",
        "b-class-ii",
        "transition_premium",
    )
    assert award.premium_paid_inr == Decimal("215350.00")
    assert results.domestic_share is not None
    assert results.domestic_share.domestic_operator_pct == Decimal("100.00")
    assert results.offer("b-class-ii").hosting == "domestic_operator"
    assert results.mii_planning is not None
    assert results.mii_planning.declining_offer_ids == ("c-class-i-a",)


def test_old_inputs_read_with_operators_not_recorded_and_the_one_answer_for_all() -> None:
    document = old()
    inputs = load_inputs(document["inputs"], document["engine_version"])
    region = inputs.offers[0].processing_regions[0]
    assert (region.operator.name, region.operator.ownership) == (NOT_RECORDED, "foreign")
    assert {r.offer_id for r in inputs.options.match_replies} == {o.offer_id for o in inputs.offers}
    assert not any(r.accepts for r in inputs.options.match_replies)


def test_replay_checks_the_fingerprint_as_written_and_reports_todays_differences() -> None:
    document = old()
    report = replay(document)
    assert report.fingerprint_matches and report.fingerprint_stored == fingerprint(document)
    assert report.engine_version_stored == "1.0.0"
    assert not report.results_match  # today's precedence: the premium is a scenario
    assert report.recomputed["results"]["recommendation"]["award"]["offer_id"] == "a-non-local"


def test_the_command_line_replays_an_old_snapshot_as_a_mismatch_not_an_unreadable_file() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "procurement.engine", "replay", str(SNAPSHOT)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr


def test_verify_reads_an_old_unsigned_snapshot_and_vouches_for_its_fingerprint() -> None:
    from procurement.engine.signing import SignatureStatus
    from procurement.engine.snapshot import verify_snapshot

    check = verify_snapshot(old())
    assert check.fingerprint_matches and check.signature.status == SignatureStatus.UNSIGNED


NEAR = Path(__file__).resolve().parents[1] / "data" / "snapshot-engine-2.0.0.json"


def near() -> dict[str, Any]:
    """tests/data/snapshot-engine-2.0.0.json, written by engine 2.0.0 (main at e05bc00) with
    india-default version 2: citations without issuer, number or date, and no clause library."""
    document: dict[str, Any] = json.loads(NEAR.read_text(), parse_float=Decimal)
    return document


def test_a_2_0_0_snapshot_reads_with_citations_not_recorded_and_no_clause_library() -> None:
    document = near()
    assert "clauses" not in document["inputs"]["policy"]
    inputs = load_inputs(document["inputs"], document["engine_version"])
    assert inputs.policy.clauses == ()
    cite = inputs.policy.evaluation.qcbs.max_weight.citation
    assert (cite.issuer, cite.number, cite.date, cite.comparable_practice) == ("", "", None, "")
    assert cite.text() == f"{cite.document}, {cite.clause}"
    results = load_results(document["results"])
    assert results.engine_version == "2.0.0"
    assert all(gate.citation.issuer == "" for gate in results.gates)


def test_a_2_0_0_snapshot_replays_as_a_match_and_verifies() -> None:
    """Only the shape changed from 2.0.0: today's engine reproduces its results exactly."""
    from procurement.engine.snapshot import verify_snapshot

    document = near()
    report = replay(document)
    assert report.ok, report.problems()
    assert report.engine_version_stored == "2.0.0"
    assert report.recomputed["engine_version"] != "2.0.0"
    assert verify_snapshot(document).fingerprint_matches


def test_a_2_0_0_snapshot_with_an_altered_figure_still_fails_replay() -> None:
    document = near()
    award = document["results"]["recommendation"]["award"]
    award["cost_inr"] = "1.00"
    report = replay(document)
    assert not report.results_match and not report.fingerprint_matches
