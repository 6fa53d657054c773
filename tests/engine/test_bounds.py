"""Bounded arithmetic (issue 10, defect 7): inputs inside the allowed ranges must neither crash
the engine nor give absurd results. Each test starts from what the review found."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import io
import json
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path

import pytest

from procurement.engine import (
    EngineValidationError,
    FxRate,
    Offer,
    Policy,
    SensitivityConfig,
    Workload,
    bounds,
    build_snapshot,
    compare,
    compute_tco,
    load_json,
    load_policy,
    policy_to_dict,
    select_fx,
)
from procurement.engine.__main__ import EXIT_INVALID, EXIT_OK, main
from procurement.engine.jsontext import json_depth
from procurement.engine.validation import validate_sensitivity
from tests.engine.builders import (
    DECISION,
    INDIA,
    USD,
    dedicated_price,
    foreign_offer,
    offer,
    price,
    workload,
)

D = Decimal
MAX = bounds.MAX_MONEY
RATE_MAX = FxRate("USD", bounds.FX_RATE_TO_INR.high, dt.date(2026, 4, 28), "the bound")


def pairs(exc: pytest.ExceptionInfo[EngineValidationError]) -> dict[str, str]:
    return dict(exc.value.as_pairs())


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def workload_at_max() -> Workload:
    """Every workload bound at its end that makes costs largest."""
    return workload(
        requests_per_day=10**9,
        mean_input_tokens=D(10**6),
        mean_output_tokens=D(10**6),
        annual_growth_pct=D(500),
        peak_to_average=D(100),
        term_years=10,
        estimated_value_inr=MAX,
        max_p95_latency_ms=600_000,
        min_availability_pct=D(100),
    )


def policy_at_max() -> Policy:
    """The pack's numbers at the ends that make costs largest: 100 % tax, 100 % depreciation, a
    0 % discount rate, capacity sized for 1 % use, every rupee threshold at ₹1 lakh crore."""
    p = INDIA
    assert p.mii is not None
    return dataclasses.replace(
        p,
        finance=dataclasses.replace(
            p.finance,
            discount_rate_pct=D(0),
            expected_inr_depreciation_pct=D(100),
            dedicated_target_utilisation_pct=D(1),
        ),
        taxes=dataclasses.replace(
            p.taxes, rules=tuple(dataclasses.replace(r, rate_pct=D(100)) for r in p.taxes.rules)
        ),
        mii=dataclasses.replace(
            p.mii, exemption_below_inr=MAX, gte_threshold_inr=MAX, lc_certificate_above_inr=MAX
        ),
    )


def offers_at_max() -> list[Offer]:
    """A dedicated and a serverless offer in USD with every price bound at its costly end."""
    dedicated = foreign_offer(
        "dedicated-max",
        pricing_mode="dedicated",
        price=dedicated_price(
            currency="USD",
            gpu_hour_price=bounds.OFFER["price.gpu_hour_price"].high,
            output_tokens_per_sec_per_gpu=bounds.OFFER["price.output_tokens_per_sec_per_gpu"].low,
            gpus_per_node=1024,
            min_gpus=10**6,
            onboarding_fee=MAX,
            exit_fee=MAX,
        ),
    )
    serverless = foreign_offer(
        "serverless-max",
        price=price(
            currency="USD",
            input_per_mtok=MAX,
            cached_input_per_mtok=MAX,
            output_per_mtok=MAX,
            onboarding_fee=MAX,
            exit_fee=MAX,
        ),
    )
    return [dedicated, serverless]


def test_a_gpu_throughput_of_1e_42_is_refused_with_its_path() -> None:
    """Defect 7: "a GPU throughput of 1e-42 (checked only as > 0) … raise[s] a raw
    decimal.InvalidOperation". The throughput now has a real minimum, 0.001 tokens/s."""
    slow = offer("slow", pricing_mode="dedicated", price=dedicated_price())
    slow = dataclasses.replace(
        slow, price=dataclasses.replace(slow.price, output_tokens_per_sec_per_gpu=D("1E-42"))
    )
    with pytest.raises(EngineValidationError) as exc:
        compare(workload(), [offer("fine"), slow], INDIA, [USD], DECISION)
    assert pairs(exc) == {
        "offers[1].price.output_tokens_per_sec_per_gpu": "must be between 0.001 and 1000000000"
    }


def test_every_field_at_its_maximum_is_computed_finitely_then_refused_by_the_ceiling() -> None:
    """Defect 7: "every field at its allowed maximum raise[s] a raw decimal.InvalidOperation".
    The bounds keep the worst case finite (bounds.py: about ₹1.1 × 10^45, under the 10^48 a
    50-digit amount in paise holds); the cost ceiling then refuses it, naming each offer."""
    w, policy = workload_at_max(), policy_at_max()
    fx = select_fx([RATE_MAX], "USD", DECISION)
    for o in offers_at_max():
        tco = compute_tco(w, o, policy, fx)
        assert tco.nominal_total_inr.is_finite() and tco.nominal_total_inr < D(10) ** 46
    with pytest.raises(EngineValidationError) as exc:
        compare(w, offers_at_max(), policy, [RATE_MAX], DECISION)
    found = pairs(exc)
    assert set(found) == {"offers[0].price", "offers[1].price"}
    assert all("above the engine's cost ceiling" in m for m in found.values())
    assert "about ₹1.14 × 10^45" in found["offers[0].price"]


def test_every_field_at_its_minimum_gives_a_result() -> None:
    """The other corner of the bounds: the smallest volumes, prices, rates and throughput give a
    finite result (zero rupees where prices are zero), not an error."""
    w = workload(
        requests_per_day=1,
        mean_input_tokens=D(0),
        mean_output_tokens=bounds.MIN_TOKENS_PER_REQUEST,
        annual_growth_pct=D(-50),
        peak_to_average=D(1),
        term_years=1,
        estimated_value_inr=D(0),
    )
    low = FxRate("USD", bounds.FX_RATE_TO_INR.low, dt.date(2026, 4, 28), "the bound")
    cheap = foreign_offer(
        "cheap",
        price=price(currency="USD", input_per_mtok=D(0), output_per_mtok=D(0)),
    )
    tiny = offer(
        "tiny",
        pricing_mode="dedicated",
        price=dedicated_price(
            gpu_hour_price=D(0),
            output_tokens_per_sec_per_gpu=bounds.OFFER["price.output_tokens_per_sec_per_gpu"].low,
            gpus_per_node=1,
            min_gpus=1,
        ),
    )
    result = compare(w, [cheap, tiny], INDIA, [low], DECISION)
    assert result.recommendation.award.cost_inr == D("0.00")


def test_allowed_inputs_no_longer_give_an_award_of_10_to_the_46_rupees() -> None:
    """Defect 7: "allowed inputs produce awards of ₹1.7×10^46 with no warning". An offer whose
    TCO is above the ceiling (₹50,65,345 crore, the Union budget's total expenditure for
    2025-26) refuses the comparison at the offer's path; a paisa per token less, it is a result.

    10^9 requests a day × 1,000 output tokens for one year is 3.65 × 10^8 million tokens:
    at ₹1,38,776.58 per 1M tokens that is ₹50,65,345.17 crore, at ₹1,38,776.57 ₹50,65,344.80
    crore (no tax: the buyer takes input tax credit).
    """
    w = workload(
        requests_per_day=10**9,
        mean_input_tokens=D(0),
        mean_output_tokens=D(1000),
        term_years=1,
        buyer_gst_registered_business_use=True,
    )
    over = offer("over", price=price(output_per_mtok=D("138776.58")))
    with pytest.raises(EngineValidationError) as exc:
        compare(w, [offer("cheap"), over], INDIA, [USD], DECISION)
    message = pairs(exc)["offers[1].price"]
    assert message.startswith(
        "prices this workload at ₹5,06,53,45,17,00,000.00 over the contract (nominal TCO, "
        "taxes included), above the engine's cost ceiling of the Union Government's total "
        "expenditure for 2025-26, ₹50,65,345 crore"
    )
    under = offer("under", price=price(output_per_mtok=D("138776.57")))
    result = compare(w, [under], INDIA, [USD], DECISION)
    assert result.recommendation.award.cost_inr == D("50653448050000.00")
    assert result.recommendation.award.cost_inr <= bounds.COST_CEILING_INR


def test_a_pack_threshold_of_10_to_the_60_is_refused() -> None:
    """Defect 7: "a pack threshold of 10^60 raises DivisionImpossible". Every rupee figure of a
    pack is bounded like a rupee input (at most ₹9,99,99,99,99,999.99)."""
    document = policy_to_dict(INDIA)
    mii = document["mii"]
    assert isinstance(mii, dict)
    mii["gte_threshold_inr"] = "1" + "0" * 60
    with pytest.raises(EngineValidationError) as exc:
        load_policy(document)
    assert pairs(exc) == {"policy.mii.gte_threshold_inr": "must be between 0 and 999999999999.99"}
    assert INDIA.mii is not None
    huge = dataclasses.replace(
        INDIA, mii=dataclasses.replace(INDIA.mii, gte_threshold_inr=D(10) ** 60)
    )
    with pytest.raises(EngineValidationError) as exc:
        compare(workload(), [offer()], huge, [USD], DECISION)
    assert list(pairs(exc)) == ["policy.mii.gte_threshold_inr"]


def test_a_remaining_decimal_signal_becomes_a_field_error_naming_the_offer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defect 7: a raw decimal signal must never reach the caller. Should the arithmetic of one
    offer still leave the engine's context, compare names that offer (in the caller's order)."""
    compare_module = sys.modules["procurement.engine.compare"]
    real = compare_module.compute_tco

    def failing(w: Workload, o: Offer, p: Policy, fx: object = None) -> object:
        if o.offer_id == "a-bad":
            raise decimal.DivisionImpossible("quotient too large")
        return real(w, o, p, fx)

    monkeypatch.setattr(compare_module, "compute_tco", failing)
    with pytest.raises(EngineValidationError) as exc:
        compare(workload(), [offer("z-good"), offer("a-bad")], INDIA, [USD], DECISION)
    assert pairs(exc) == {
        "offers[1].price": "with this workload and policy gives a number beyond the engine's "
        "50-digit decimal arithmetic (DivisionImpossible): check the figures and their units"
    }


def test_a_million_scenarios_over_a_thousand_offers_are_refused_by_the_memory_they_need() -> None:
    """Defect 7: "1,000,000 sensitivity scenarios over 1,000 offers need a 7.45 GiB array".
    The scenario count is bounded by the memory it needs, and the message says the limit."""
    offers = [offer(f"o{i:04d}") for i in range(1000)]
    config = SensitivityConfig(scenarios=1_000_000)
    with pytest.raises(EngineValidationError) as exc:
        compare(workload(), offers, INDIA, [USD], DECISION, sensitivity=config)
    assert pairs(exc) == {
        "sensitivity.scenarios": "10,00,000 scenarios over 1,000 offers need an estimated "
        "7.60 GiB of memory (a price factor for every offer in every scenario, 8 bytes each, "
        "and 5 working arrays of up to 40,00,000 values); the limit is 1.00 GiB: use at most "
        "1,14,217 scenarios, or fewer offers"
    }
    fits = SensitivityConfig(scenarios=114_217)
    assert validate_sensitivity(fits, workload(), INDIA, 1000) == []
    over = SensitivityConfig(scenarios=114_218)
    assert [e.path for e in validate_sensitivity(over, workload(), INDIA, 1000)] == [
        "sensitivity.scenarios"
    ]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('[{"a": [1, {"b": null}]}]', 4),
        ('{"a": "[[[[[[{{{{"}', 1),  # brackets inside strings do not count
        ('["\\"[[[", {}]', 2),  # nor after an escaped quote
    ],
)
def test_json_depth_counts_nesting_outside_strings(text: str, depth: int) -> None:
    assert json_depth(text) == depth


def test_json_nested_100000_deep_is_refused_before_parsing() -> None:
    """Defect 7: "JSON nested 100,000 deep raises RecursionError"."""
    with pytest.raises(EngineValidationError) as exc:
        load_json(nested(100_000))
    assert pairs(exc) == {
        "document": "nests arrays and objects 100000 levels deep; an engine document nests at "
        "most 32: refused before parsing"
    }
    assert load_json(nested(bounds.MAX_JSON_DEPTH)) is not None


@pytest.fixture
def deep_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "deep.json"
    path.write_text('{"inputs": ' + nested(100_000) + "}", encoding="utf-8")
    yield path


@pytest.mark.parametrize("command", ["replay", "run"])
def test_deep_json_on_the_command_line_exits_2_not_the_mismatch_code(
    deep_file: Path, command: str
) -> None:
    """Defect 7: deep JSON made `replay` "exit with its 'mismatch' code"; a document that cannot
    be read is exit 2 ("not a readable, valid snapshot"), for `run` as for `replay`."""
    code, out, err = cli(command, str(deep_file))
    assert code == EXIT_INVALID and out == ""
    assert "100001 levels deep" in err and "Traceback" not in err


def test_the_shipped_documents_are_far_inside_the_depth_limit(tmp_path: Path) -> None:
    snapshot = build_snapshot(workload(), [offer(), foreign_offer()], INDIA, [USD], DECISION)
    text = json.dumps(snapshot)
    assert json_depth(text) <= bounds.MAX_JSON_DEPTH // 4
    path = tmp_path / "snapshot.json"
    path.write_text(text, encoding="utf-8")
    assert cli("replay", str(path))[0] == EXIT_OK
