"""Benchmark of the comparison engine: ``.venv/bin/python benchmarks/engine.py``.

One 10-year workload against 100, 1 000 and 10 000 synthetic offers with every rule of the India
pack and a 10 000-scenario sensitivity run; prints the time of each, and the speed-up of the
vectorised sensitivity over a plain per-scenario Python loop on the same inputs; and the time a
page in Hindi takes to have a stored comparison's sentences in Hindi (``results_in``: recomputed
from the snapshot in Hindi, every figure checked against the stored ones).

Goals on a 2-core machine: 1 000 offers with 10 000 scenarios under 0.5 s; vectorised ≥ 50× the
loop; 10 000 offers ≤ 12× the time of 1 000. This script reports; it asserts nothing.
Times are the best of ``--repeat`` runs (default 3) with time.perf_counter.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from procurement.engine import (  # noqa: E402 - after the path set-up above
    Certification,
    FxRate,
    Offer,
    Operator,
    Price,
    ProviderFacts,
    QualityEvaluation,
    Region,
    SensitivityConfig,
    Workload,
    build_snapshot,
    compare,
    prepare,
    results_in,
)
from procurement.engine.packs import load_pack  # noqa: E402
from procurement.engine.sensitivity import (  # noqa: E402
    build_model,
    run_sensitivity,
    simulate_loop,
    simulate_vectorised,
)

T = TypeVar("T")
D = Decimal
DECISION = dt.date(2026, 5, 1)
FX = [FxRate("USD", D("91.0870"), dt.date(2026, 4, 28), "benchmark (Reuters level)", True)]
YOTTA = Operator("Yotta Data Services Private Limited", "domestic", "IN")
AWS = Operator("Amazon Web Services, Inc.", "foreign", "US")
REGIONS = {
    "domestic": Region("yotta-nm1", "IN", "Navi Mumbai", "empanelled_commercial", YOTTA),
    "in_foreign": Region("aws-ap-south-1", "IN", "Mumbai", "empanelled_commercial", AWS),
    "abroad": Region("us-east-1", "US", "Ashburn", "other_commercial", AWS),
}

WORKLOAD = Workload(
    use_case="citizen_services",
    languages=("en", "hi", "ta"),
    requests_per_day=200_000,
    mean_input_tokens=D(800),
    mean_output_tokens=D(250),
    term_years=10,
    start_date=dt.date(2026, 7, 1),
    data_classification=("internal", "personal"),
    cached_input_share_pct=D(30),
    annual_growth_pct=D(25),
    peak_to_average=D(3),
    max_p95_latency_ms=2000,
    min_availability_pct=D("99.5"),
    global_tender_approved=True,
)


def synthetic_offer(rng: random.Random, i: int) -> Offer:
    """A plausible offer; about one in eight fails some rule (location, evidence, certificate)."""
    offer_id = f"offer-{i:05d}"
    domestic = rng.random() < 0.45
    usd = not domestic and rng.random() < 0.6
    lc = D(rng.choice([5, 15, 30, 45, 55, 70]))
    place = "domestic" if domestic else ("abroad" if rng.random() < 0.05 else "in_foreign")
    region = REGIONS[place]
    scale = D("0.011") if usd else D(1)
    wobble = D(rng.randint(60, 160)) / 100
    if rng.random() < 0.35:
        price = Price(
            currency="USD" if usd else "INR",
            source_url="https://example.invalid/price",
            checked_on=dt.date(2026, 3, 1),
            gpu_hour_price=(D(180) * wobble * scale).quantize(D("0.0001")),
            output_tokens_per_sec_per_gpu=D(rng.randint(400, 3000)),
            gpus_per_node=rng.choice([1, 4, 8]),
            min_gpus=rng.choice([1, 8]),
            onboarding_fee=D(rng.choice([0, 100_000])) * scale,
            is_demo=True,
        )
        mode = "dedicated"
    else:
        price = Price(
            currency="USD" if usd else "INR",
            source_url="https://example.invalid/price",
            checked_on=dt.date(2026, 3, 1),
            input_per_mtok=(D(30) * wobble * scale).quantize(D("0.0001")),
            cached_input_per_mtok=(D(10) * wobble * scale).quantize(D("0.0001")),
            output_per_mtok=(D(75) * wobble * scale).quantize(D("0.0001")),
            exit_fee=D(rng.choice([0, 50_000])) * scale,
            is_demo=True,
        )
        mode = "serverless"
    expiry = dt.date(2025, 12, 31) if rng.random() < 0.03 else dt.date(2031, 12, 31)
    certifications = tuple(
        Certification(kind, "Accredited body", dt.date(2024, 1, 1), expiry)  # type: ignore[arg-type]
        for kind in ("iso27001", "meity_empanelment", "iso27017")
    )
    languages = ("en", "hi", "ta") if rng.random() > 0.04 else ("en", "hi")
    evaluations = tuple(
        QualityEvaluation(
            use_case="citizen_services",
            language=lang,
            score=D(rng.randint(68, 97)),
            evaluator="IndicEval Lab",
            evaluator_accredited=True,
            method="hidden test set",
            evaluated_on=dt.date(2026, 1, 10),
            valid_until=dt.date(2027, 1, 9),
        )
        for lang in languages
    )
    provider = ProviderFacts(
        provider_id=f"provider-{i % 400:03d}",
        provider_name=f"Provider {i % 400}",
        headquarters_country="IN" if domestic else "US",
        ownership="domestic" if domestic else "foreign",
        local_content_pct=lc,
        is_demo=True,
    )
    return Offer(
        offer_id=offer_id,
        name=f"Offer {i}",
        model_name=f"model-{i % 37}",
        model_family="benchmark",
        open_weights=rng.random() < 0.5,
        pricing_mode=mode,  # type: ignore[arg-type]
        provider=provider,
        price=price,
        processing_regions=(region,),
        storage_regions=(region,),
        log_regions=(region,),
        context_window=rng.choice([32_000, 128_000]),
        languages=("en", "hi", "ta", "bn"),
        p95_latency_ms=rng.randint(300, 2400),
        sla_availability_pct=D(rng.choice(["99.5", "99.9", "99.95"])),
        trains_on_customer_data="no_contractual",
        retention_days=rng.choice([0, 30]),
        india_processing_guaranteed=True,
        deprecation_notice_days=rng.choice([90, 180, 365]),
        pinned_snapshot=rng.random() < 0.8,
        certifications=certifications,
        evaluations=evaluations,
        is_demo=True,
    )


def catalogue(size: int, seed: int = 2026) -> list[Offer]:
    rng = random.Random(seed)
    return [synthetic_offer(rng, i) for i in range(size)]


def best_of(repeat: int, fn: Callable[[], T]) -> tuple[float, T]:
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenarios", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    args = parser.parse_args()
    policy = load_pack("india-default")
    config = SensitivityConfig(scenarios=args.scenarios, seed=1)
    print(
        f"Workload: 10 years, {WORKLOAD.requests_per_day:,} requests/day growing "
        f"{WORKLOAD.annual_growth_pct} %/yr; India pack, all rules; {args.scenarios:,} scenarios; "
        f"best of {args.repeat}."
    )
    print(
        f"{'offers':>7} {'eligible':>9} {'exact engine':>13} {'sensitivity':>12} "
        f"{'compare() with sensitivity':>27} {'kept':>5}  award"
    )
    totals: dict[int, float] = {}
    for size in args.sizes:
        offers = catalogue(size)
        t_exact, prepared = best_of(
            args.repeat, lambda offers=offers: prepare(WORKLOAD, offers, policy, FX, DECISION)
        )
        t_sens, _ = best_of(
            args.repeat, lambda prepared=prepared: run_sensitivity(build_model(prepared), config)
        )
        t_full, result = best_of(
            args.repeat,
            lambda offers=offers: compare(
                WORKLOAD, offers, policy, FX, DECISION, sensitivity=config
            ),
        )
        totals[size] = t_full
        sens = result.sensitivity
        assert sens is not None
        eligible = sum(o.eligible for o in result.offers)
        award = result.recommendation.award
        print(
            f"{size:>7,} {eligible:>9,} {t_exact:>12.3f}s {t_sens:>11.3f}s {t_full:>26.3f}s "
            f"{sens.candidates_considered:>5}  {award.offer_id} ({award.mechanism}), "
            f"P(change) {sens.probability_recommendation_changes}"
        )
    if 1_000 in totals and 10_000 in totals:
        ratio = totals[10_000] / totals[1_000]
        print(f"10 000 offers / 1 000 offers: {ratio:.1f}× the time (goal ≤ 12×)")
    if 1_000 in totals:
        print(
            f"1 000 offers with {args.scenarios:,} scenarios: {totals[1_000]:.3f} s (goal < 0.5 s)"
        )
    size = 1_000 if 1_000 in args.sizes else args.sizes[0]
    prepared = prepare(WORKLOAD, catalogue(size), policy, FX, DECISION)
    model = build_model(prepared)
    assert model is not None
    t_vec, fast = best_of(args.repeat, lambda: simulate_vectorised(model, config))
    t_loop, loop = best_of(1, lambda: simulate_loop(model, config))
    same = bool((fast.awards == loop.awards).all() and (fast.premiums == loop.premiums).all())
    print(
        f"Monte Carlo, {size:,} offers, {args.scenarios:,} scenarios, the same candidates "
        f"({fast.candidates.size}) and draws: vectorised {t_vec * 1000:.1f} ms, plain Python loop "
        f"{t_loop * 1000:.0f} ms → {t_loop / t_vec:.0f}× (goal ≥ 50×); identical results: {same}"
    )
    sample = dataclasses.replace(config, scenarios=max(1, args.scenarios // 50))
    t_all, _ = best_of(1, lambda: simulate_loop(model, sample, pruned=False))
    scaled = t_all * args.scenarios / sample.scenarios
    print(
        f"Plain loop over all {len(model.offer_ids):,} eligible offers (no pruning), measured on "
        f"{sample.scenarios:,} scenarios and scaled to {args.scenarios:,}: {scaled:.1f} s → "
        f"{scaled / t_vec:.0f}× the vectorised run"
    )

    for size in (s for s in args.sizes if s <= 1_000):
        snapshot = build_snapshot(
            WORKLOAD, catalogue(size), policy, FX, DECISION, sensitivity=config
        )
        t_hindi, hindi = best_of(args.repeat, lambda snapshot=snapshot: results_in(snapshot, "hi"))
        print(
            f"The sentences of a stored comparison of {size:,} offers in Hindi (results_in): "
            f"{t_hindi:.3f} s; figures equal to the stored ones: {hindi is not None}"
        )


if __name__ == "__main__":
    main()
