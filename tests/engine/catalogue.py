"""A seeded random catalogue for property tests and the benchmark: serverless and dedicated
offers, INR and USD, domestic and foreign, Class-I / II / non-local, so every rule and
preference has something to act on."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

from procurement.engine import Offer
from tests.engine.builders import (
    AWS_MUMBAI,
    YOTTA_MUMBAI,
    dedicated_price,
    evals,
    foreign_provider,
    offer,
    price,
    provider,
)

D = Decimal


def random_offer(rng: random.Random, offer_id: str) -> Offer:
    """One plausible offer; most pass the India pack's rules for the default workload."""
    domestic = rng.random() < 0.5
    usd = not domestic and rng.random() < 0.7
    lc = D(rng.choice([5, 15, 30, 45, 55, 70]))
    if domestic:
        facts = provider(provider_id=f"p-{offer_id}", local_content_pct=lc)
        region = YOTTA_MUMBAI
    else:
        facts = foreign_provider(provider_id=f"p-{offer_id}", local_content_pct=lc)
        region = AWS_MUMBAI
    scale = D("0.011") if usd else D(1)  # USD cards are about 1/91 of INR ones
    if rng.random() < 0.3:
        card = dedicated_price(
            currency="USD" if usd else "INR",
            gpu_hour_price=(D(rng.randint(80, 400)) * scale).quantize(D("0.001")),
            output_tokens_per_sec_per_gpu=D(rng.randint(200, 3000)),
            gpus_per_node=rng.choice([1, 2, 4, 8]),
            min_gpus=rng.choice([1, 2, 8]),
            onboarding_fee=D(rng.choice([0, 0, 50_000])) * scale,
        )
        mode = "dedicated"
    else:
        card = price(
            currency="USD" if usd else "INR",
            input_per_mtok=(D(rng.randint(5, 300)) * scale).quantize(D("0.0001")),
            cached_input_per_mtok=(D(rng.randint(1, 5)) * scale).quantize(D("0.0001")),
            output_per_mtok=(D(rng.randint(20, 1500)) * scale).quantize(D("0.0001")),
            exit_fee=D(rng.choice([0, 0, 25_000])) * scale,
        )
        mode = "serverless"
    return dataclasses.replace(
        offer(offer_id, region=region),
        provider=facts,
        price=card,
        pricing_mode=mode,  # type: ignore[arg-type]
        evaluations=evals(rng.randint(70, 98)),
    )


def random_catalogue(seed: int, size: int) -> list[Offer]:
    rng = random.Random(seed)
    return [random_offer(rng, f"offer-{i:05d}") for i in range(size)]


def contested_catalogue(seed: int, size: int) -> list[Offer]:
    """Offers whose costs for the default workload lie within about ±25 % of each other, with
    random Class-I / domestic / currency / pricing-mode flags: every preference is contested.

    Default workload: 1,00,000 requests/day × (500 in, 100 out). Serverless at (₹30, ₹70) per 1M
    costs about ₹8 lakh a year; a dedicated offer needing about 10 GPUs (50 tokens/s each at the
    peak) costs about the same at ₹9–14 per GPU-hour.
    """
    rng = random.Random(seed)
    offers: list[Offer] = []
    for i in range(size):
        offer_id = f"offer-{i:05d}"
        domestic = rng.random() < 0.5
        usd = rng.random() < 0.4
        lc = D(rng.choice([5, 30, 50, 55, 70]))
        facts = (provider if domestic else foreign_provider)(
            provider_id=f"p-{offer_id}", local_content_pct=lc
        )
        region = YOTTA_MUMBAI if domestic else AWS_MUMBAI
        scale = D("0.011") if usd else D(1)
        wobble = D(rng.randint(75, 125)) / 100
        if rng.random() < 0.35:
            card = dedicated_price(
                currency="USD" if usd else "INR",
                gpu_hour_price=(D("11.5") * wobble * scale).quantize(D("0.0001")),
                output_tokens_per_sec_per_gpu=D(50),
                gpus_per_node=rng.choice([1, 2]),
                min_gpus=rng.choice([1, 4]),
            )
            mode = "dedicated"
        else:
            card = price(
                currency="USD" if usd else "INR",
                input_per_mtok=(D(30) * wobble * scale).quantize(D("0.0001")),
                cached_input_per_mtok=(D(10) * wobble * scale).quantize(D("0.0001")),
                output_per_mtok=(D(70) * wobble * scale).quantize(D("0.0001")),
                onboarding_fee=D(rng.choice([0, 20_000])) * scale,
                exit_fee=D(rng.choice([0, 10_000])) * scale,
            )
            mode = "serverless"
        offers.append(
            dataclasses.replace(
                offer(offer_id, region=region),
                provider=facts,
                price=card,
                pricing_mode=mode,  # type: ignore[arg-type]
                evaluations=evals(rng.randint(70, 98)),
            )
        )
    return offers


def layered_catalogue(seed: int, size: int) -> list[Offer]:
    """Cheap foreign non-local offers around ×1.0; domestic Class-II around ×1.11; Class-I around
    ×1.18 (half of them domestic infrastructure, half foreign-owned in a foreign cloud's Indian
    region); expensive high-quality offers around ×1.45; far dearer stragglers. With a narrow
    price spread only the cheap cluster can be L1, so the Class-I, domestic and QCBS-leader
    groups are what keep the others in play: the case where pruning has to be right."""
    rng = random.Random(seed)
    roles = [
        ("foreign", D(5), (95, 105), (70, 85)),
        ("class_ii", D(30), (108, 114), (70, 85)),
        ("class_i", D(60), (110, 125), (70, 88)),
        ("premium", D(60), (135, 155), (94, 99)),
        ("straggler", D(5), (180, 260), (70, 80)),
    ]
    offers: list[Offer] = []
    for i in range(size):
        role, lc, (lo, hi), (q_lo, q_hi) = roles[i % len(roles)] if i < 10 else rng.choice(roles)
        offer_id = f"offer-{i:05d}"
        domestic = role == "class_ii" or (role in ("class_i", "premium") and rng.random() < 0.5)
        facts = (provider if domestic else foreign_provider)(
            provider_id=f"p-{offer_id}", local_content_pct=lc
        )
        factor = D(rng.randint(lo, hi)) / 100
        usd = not domestic and rng.random() < 0.5
        scale = D("0.011") if usd else D(1)
        card = price(
            currency="USD" if usd else "INR",
            input_per_mtok=(D(30) * factor * scale).quantize(D("0.0001")),
            cached_input_per_mtok=(D(10) * factor * scale).quantize(D("0.0001")),
            output_per_mtok=(D(70) * factor * scale).quantize(D("0.0001")),
        )
        offers.append(
            dataclasses.replace(
                offer(offer_id, region=YOTTA_MUMBAI if domestic else AWS_MUMBAI),
                provider=facts,
                price=card,
                evaluations=evals(rng.randint(q_lo, q_hi)),
            )
        )
    return offers
