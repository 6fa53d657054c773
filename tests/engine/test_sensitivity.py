"""Sensitivity: the vectorised Monte Carlo equals the plain per-scenario loop exactly, agrees with
the exact engine at the base case, and the break-even and flip premium are hand-checked."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement.engine import EngineValidationError, Policy, SensitivityConfig, compare, prepare
from procurement.engine.award import StepSpec
from procurement.engine.sensitivity import (
    SensitivityModel,
    build_model,
    prune,
    scenario_costs,
    simulate_loop,
    simulate_vectorised,
)
from tests.engine.builders import (
    DECISION,
    INDIA,
    STATE,
    USD,
    dedicated_price,
    foreign_offer,
    offer,
    price,
    provider,
    workload,
)
from tests.engine.catalogue import contested_catalogue, layered_catalogue, random_catalogue

D = Decimal


def model_for(offers, policy: Policy = INDIA, **changes) -> SensitivityModel:
    w = workload(**changes)
    m = build_model(prepare(w, offers, policy, [USD], DECISION))
    assert m is not None
    return m


def with_steps(
    m: SensitivityModel, method: str, steps: tuple[StepSpec[float], ...]
) -> SensitivityModel:
    return dataclasses.replace(m, rules=dataclasses.replace(m.rules, method=method, steps=steps))


STEP_SETS: list[tuple[StepSpec[float], ...]] = [
    (),
    (StepSpec("mii_match_l1", 0.2), StepSpec("transition_premium", 0.15)),
    (StepSpec("mii_match_l1", 0.2, inclusive=False), StepSpec("transition_premium", 0.1, cap=4e5)),
    (StepSpec("price_evaluation_factor", 0.2), StepSpec("tie_band", 0.03)),
    (
        StepSpec("mii_match_l1", 0.2),
        StepSpec("price_evaluation_factor", 0.3),
        StepSpec("transition_premium", 0.25),
        StepSpec("tie_band", 0.05),
    ),
    (StepSpec("mii_match_l1", 0.2), StepSpec("transition_premium", 0.15, scenario=True)),
]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    layered=st.booleans(),
    seed=st.integers(0, 10_000),
    method=st.sampled_from(["l1", "qcbs"]),
    steps=st.sampled_from(STEP_SETS),
    accepts=st.sampled_from(["all", "none", "mixed"]),
    growth=st.sampled_from([D(0), D(15), D(60)]),
    technical_weight=st.sampled_from([0.3, 0.7]),
)
def test_vectorised_equals_the_plain_loop_and_pruning_loses_nothing(
    layered: bool,
    seed: int,
    method: str,
    steps: tuple[StepSpec[float], ...],
    accepts: str,
    growth: Decimal,
    technical_weight: float,
) -> None:
    """Identical awards and premiums, scenario by scenario, from the NumPy run, the plain loop on
    the same candidates, and the plain loop over every eligible offer (a check of the pruning)."""
    catalogue = layered_catalogue(seed, 25) if layered else contested_catalogue(seed, 14)
    base = model_for(catalogue, term_years=5, annual_growth_pct=growth)
    m = with_steps(base, method, steps)
    k = len(m.offer_ids)
    answers = {
        "all": np.ones(k, dtype=np.bool_),
        "none": np.zeros(k, dtype=np.bool_),
        "mixed": np.random.default_rng(seed).random(k) < 0.5,
    }[accepts]
    m = dataclasses.replace(
        m,
        accepts=answers,
        rules=dataclasses.replace(
            m.rules, technical_weight=technical_weight, financial_weight=1.0 - technical_weight
        ),
    )
    spread = D(5) if layered else D(30)
    config = SensitivityConfig(scenarios=300, seed=seed, price_spread_pct=spread)
    fast = simulate_vectorised(m, config)
    loop = simulate_loop(m, config)
    full = simulate_loop(m, config, pruned=False)
    assert np.array_equal(fast.awards, loop.awards)
    assert np.array_equal(fast.premiums, loop.premiums)  # bit for bit: same float operations
    assert np.array_equal(fast.awards, full.awards)
    assert np.array_equal(fast.premiums, full.premiums)


def test_float_model_matches_the_exact_tco_at_the_base_case() -> None:
    offers = random_catalogue(7, 40)
    w = workload(term_years=7, annual_growth_pct=D(20), cached_input_share_pct=D(25))
    p = prepare(w, offers, INDIA, [USD], DECISION)
    m = build_model(p)
    assert m is not None
    k = len(m.offer_ids)
    cols = np.arange(k, dtype=np.intp)
    costs = scenario_costs(
        m, np.array([m.growth]), np.array([m.depreciation]), np.ones((k, 1)), cols
    )
    exact = np.array([float(p.cost(i)) for i in range(k)])
    # The exact TCO rounds each line to the paisa: at most half a paisa per line and year.
    assert np.max(np.abs(costs[0] - exact)) < 0.5


def test_zero_spread_reproduces_the_exact_recommendation() -> None:
    offers = [
        foreign_offer("foreign", price=price(output_per_mtok=D(100), input_per_mtok=D(0))),
        offer(
            "dom",
            price=price(output_per_mtok=D(110), input_per_mtok=D(0)),
            provider=provider(local_content_pct=D(30)),
        ),
    ]
    config = SensitivityConfig(
        scenarios=500,
        growth_spread_pct=D(0),
        fx_depreciation_spread_pct=D(0),
        price_spread_pct=D(0),
    )
    w = workload(term_years=1, mean_input_tokens=D(0), mean_output_tokens=D(1000))
    result = compare(w, offers, INDIA, [USD], DECISION, sensitivity=config)
    sens = result.sensitivity
    assert sens is not None
    assert sens.probability_recommendation_changes == "0.0000"
    assert [f.offer_id for f in sens.award_frequencies] == [result.recommendation.award.offer_id]
    assert sens.premium is not None
    expected = int(result.recommendation.award.premium_paid_inr.to_integral_value())
    assert sens.premium.p5_inr == sens.premium.p95_inr == expected


def test_uncertainty_spreads_the_recommendation_and_the_premium() -> None:
    offers = [
        foreign_offer("foreign", price=price(output_per_mtok=D(100), input_per_mtok=D(0))),
        offer(
            "dom",
            price=price(output_per_mtok=D(112), input_per_mtok=D(0)),
            provider=provider(local_content_pct=D(30)),
        ),
    ]
    w = workload(term_years=3, mean_input_tokens=D(0), mean_output_tokens=D(1000))
    config = SensitivityConfig(scenarios=4000, seed=11)
    result = compare(w, offers, STATE, [USD], DECISION, sensitivity=config)
    sens = result.sensitivity
    assert sens is not None and sens.premium is not None
    assert result.recommendation.award.offer_id == "dom"  # 12 % premium, within 15 %
    assert 0.0 < float(sens.probability_recommendation_changes) < 0.5
    assert (
        0
        <= sens.premium.p5_inr
        <= sens.premium.p50_inr
        <= sens.premium.p95_inr
        <= sens.premium.max_inr
    )
    assert sum(float(f.share) for f in sens.award_frequencies) == pytest.approx(1.0, abs=1e-3)
    again = compare(w, offers, STATE, [USD], DECISION, sensitivity=config)
    assert again.sensitivity == sens  # seeded: identical


def test_break_even_volume_between_dedicated_and_serverless() -> None:
    """One GPU per node, 1,000 output tokens/s per GPU, sized at 100 % utilisation, ₹100/GPU-hour:
    ⌈R × 864 / 86,400 / 1,000⌉ GPUs = ⌈R / 1,00,000⌉ × ₹8,76,000 a year. Serverless at ₹100 per 1M
    output tokens: R × 365 × 864 / 10^6 × 100 = ₹31.536 × R. Equal at R = 27,777.8, so dedicated
    is no dearer from 27,778 requests/day, and stays so (₹8.76 per request a day vs ₹31.536)."""
    policy = dataclasses.replace(
        INDIA,
        finance=dataclasses.replace(INDIA.finance, dedicated_target_utilisation_pct=D(100)),
    )
    offers = [
        offer("srv", price=price(input_per_mtok=D(0), output_per_mtok=D(100))),
        offer(
            "ded",
            pricing_mode="dedicated",
            price=dedicated_price(
                gpu_hour_price=D(100),
                output_tokens_per_sec_per_gpu=D(1000),
                gpus_per_node=1,
                min_gpus=1,
            ),
        ),
    ]
    w = workload(
        requests_per_day=10_000,
        term_years=1,
        mean_input_tokens=D(0),
        mean_output_tokens=D(864),
        peak_to_average=D(1),
    )
    result = compare(
        w, offers, policy, [USD], DECISION, sensitivity=SensitivityConfig(scenarios=10)
    )
    assert result.sensitivity is not None
    be = result.sensitivity.break_even
    assert be.requests_per_day == 27_778
    assert (be.serverless_offer_id, be.dedicated_offer_id) == ("srv", "ded")
    assert be.dedicated_cheaper_at_workload_volume is False
    assert be.stays_cheaper_above is True


def test_flip_premium_is_the_exact_premium_that_would_move_the_award() -> None:
    offers = [
        foreign_offer("foreign", price=price(output_per_mtok=D(100), input_per_mtok=D(0))),
        offer(
            "dom",
            price=price(output_per_mtok=D(130), input_per_mtok=D(0)),
            provider=provider(local_content_pct=D(30)),
        ),
    ]
    w = workload(term_years=1, mean_input_tokens=D(0), mean_output_tokens=D(1000))
    result = compare(w, offers, INDIA, [USD], DECISION, sensitivity=SensitivityConfig(scenarios=10))
    assert result.sensitivity is not None
    flip = result.sensitivity.flip_premium
    assert (flip.premium_pct, flip.premium_inr) == (D("30.00"), D("1292100.00"))
    assert (flip.domestic_offer_id, flip.comparator_offer_id) == ("dom", "foreign")
    assert "no instrument empowering a premium (15 % on 2026-05-01" in flip.note
    empowered = compare(w, offers, STATE, [USD], DECISION, sensitivity=SensitivityConfig(10))
    assert empowered.sensitivity is not None
    assert "the pack allows 15 %" in empowered.sensitivity.flip_premium.note


def test_pruning_keeps_only_offers_that_can_matter() -> None:
    m = model_for(random_catalogue(3, 300), term_years=10, annual_growth_pct=D(10))
    kept = prune(m, SensitivityConfig())
    assert 0 < kept.size < 60
    assert m.base_award in set(kept.tolist())


def test_sensitivity_configuration_is_validated() -> None:
    config = SensitivityConfig(scenarios=0, growth_spread_pct=D(150))
    with pytest.raises(EngineValidationError) as exc:
        compare(workload(), [offer()], INDIA, [USD], DECISION, sensitivity=config)
    pairs = dict(exc.value.as_pairs())
    assert pairs["sensitivity.scenarios"] == "must be between 1 and 1000000"
    assert pairs["sensitivity.growth_spread_pct"] == "must be between 0 and 100"
    shrink = SensitivityConfig(growth_spread_pct=D(50))
    with pytest.raises(EngineValidationError) as exc:
        compare(
            workload(annual_growth_pct=D(-50)),
            [offer()],
            INDIA,
            [USD],
            DECISION,
            sensitivity=shrink,
        )
    assert "must keep it above -100 %" in exc.value.as_pairs()[0][1]
