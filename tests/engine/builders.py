"""Builders for engine inputs. Defaults describe an offer that passes every rule of the India
pack for the default workload, so each test changes only what its scenario is about."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from procurement.engine import (
    Certification,
    FxRate,
    Offer,
    Operator,
    Policy,
    Price,
    ProviderFacts,
    QualityEvaluation,
    Region,
    Workload,
)
from procurement.engine.packs import load_pack

DECISION = dt.date(2026, 5, 1)

# Operators own and control the regions; domestic infrastructure follows them, not the reseller.
YOTTA = Operator("Yotta Data Services Private Limited", "domestic", "IN")
AWS = Operator("Amazon Web Services, Inc.", "foreign", "US")
NIC = Operator("National Informatics Centre (MeitY)", "domestic", "IN")

YOTTA_MUMBAI = Region("yotta-nm1", "IN", "Navi Mumbai", "empanelled_commercial", YOTTA)
AWS_MUMBAI = Region("aws-ap-south-1", "IN", "Mumbai", "empanelled_commercial", AWS)
US_EAST = Region("us-east-1", "US", "Ashburn", "other_commercial", AWS)
NIC_DELHI = Region("nic-ndc-delhi", "IN", "New Delhi", "government_cloud", NIC)

# A USD rate at the level Reuters reported on 19.02.2026 (PROVIDER-FACTS.md §5), dated shortly
# before the decision so the FX-staleness gate stays quiet.
USD = FxRate("USD", Decimal("91.0870"), dt.date(2026, 4, 28), "test fixture (Reuters level)")

INDIA = load_pack("india-default")
# A fictional state authority whose (demo) order empowers it to pay the transition premium.
STATE = load_pack("demo-state-transition")


def provider(**changes: Any) -> ProviderFacts:
    base = ProviderFacts(
        provider_id="dom-ai",
        provider_name="Domestic AI Pvt Ltd",
        headquarters_country="IN",
        ownership="domestic",
        local_content_pct=Decimal(60),
    )
    return dataclasses.replace(base, **changes)


def foreign_provider(**changes: Any) -> ProviderFacts:
    base = ProviderFacts(
        provider_id="global-cloud",
        provider_name="Global Cloud Inc",
        headquarters_country="US",
        ownership="foreign",
        local_content_pct=Decimal(5),
    )
    return dataclasses.replace(base, **changes)


def price(**changes: Any) -> Price:
    """Sarvam-105B's published card by default (₹ per 1M tokens, POLICY-RULES.md §4)."""
    base = Price(
        currency="INR",
        source_url="https://docs.sarvam.ai/api/getting-started/pricing",
        checked_on=dt.date(2026, 4, 1),
        input_per_mtok=Decimal("29.28"),
        cached_input_per_mtok=Decimal("10.98"),
        output_per_mtok=Decimal("73.20"),
    )
    return dataclasses.replace(base, **changes)


def dedicated_price(**changes: Any) -> Price:
    """IndiaAI L1 of ₹115.85 per GPU-hour (POLICY-RULES.md §4), 8-GPU nodes."""
    base = Price(
        currency="INR",
        source_url="https://indiaai.gov.in",
        checked_on=dt.date(2026, 4, 1),
        gpu_hour_price=Decimal("115.85"),
        output_tokens_per_sec_per_gpu=Decimal(400),
        gpus_per_node=8,
        min_gpus=8,
    )
    return dataclasses.replace(base, **changes)


def certs(
    *kinds: str, expires: dt.date | None = dt.date(2031, 12, 31)
) -> tuple[Certification, ...]:
    return tuple(
        Certification(kind, "Accredited body", dt.date(2025, 1, 1), expires)  # type: ignore[arg-type]
        for kind in kinds
    )


def evals(
    score: Decimal | int = 85,
    languages: tuple[str, ...] = ("en", "hi"),
    use_case: Any = "general",
    accredited: bool = True,
    valid_until: dt.date = dt.date(2027, 1, 14),
) -> tuple[QualityEvaluation, ...]:
    return tuple(
        QualityEvaluation(
            use_case=use_case,
            language=lang,
            score=Decimal(score),
            evaluator="IndicEval Lab",
            evaluator_accredited=accredited,
            method="hidden test set, 500 prompts",
            evaluated_on=dt.date(2026, 1, 15),
            valid_until=valid_until,
        )
        for lang in languages
    )


def offer(offer_id: str = "dom-serverless", **changes: Any) -> Offer:
    """A domestic, Class-I, empanelled, certified serverless offer that passes every rule."""
    region = changes.pop("region", YOTTA_MUMBAI)
    base = Offer(
        offer_id=offer_id,
        name=f"Offer {offer_id}",
        model_name="sarvam-105b",
        model_family="sarvam",
        open_weights=False,
        pricing_mode="serverless",
        provider=provider(),
        price=price(),
        processing_regions=(region,),
        storage_regions=(region,),
        log_regions=(region,),
        context_window=128_000,
        languages=("en", "hi", "ta"),
        p95_latency_ms=900,
        sla_availability_pct=Decimal("99.9"),
        trains_on_customer_data="no_contractual",
        retention_days=0,
        india_processing_guaranteed=True,
        deprecation_notice_days=365,
        pinned_snapshot=True,
        certifications=certs("iso27001", "meity_empanelment"),
        evaluations=evals(),
    )
    return dataclasses.replace(base, **changes)


def foreign_offer(offer_id: str = "global-serverless", **changes: Any) -> Offer:
    """A foreign provider's offer in its Indian region (empanelled), priced in USD."""
    base = offer(
        offer_id,
        region=changes.pop("region", AWS_MUMBAI),
        provider=foreign_provider(),
        price=price(
            currency="USD",
            input_per_mtok=Decimal("0.15"),
            cached_input_per_mtok=Decimal("0.075"),
            output_per_mtok=Decimal("0.60"),
            source_url="https://openai.com/api/pricing",
        ),
        model_name="gpt-4o-mini",
        model_family="gpt",
    )
    return dataclasses.replace(base, **changes)


def workload(**changes: Any) -> Workload:
    base = Workload(
        use_case="general",
        languages=("en", "hi"),
        requests_per_day=100_000,
        mean_input_tokens=Decimal(500),
        mean_output_tokens=Decimal(100),
        term_years=3,
        start_date=dt.date(2026, 6, 1),
        data_classification=("internal",),
        cached_input_share_pct=Decimal(0),
        annual_growth_pct=Decimal(0),
        peak_to_average=Decimal(3),
        global_tender_approved=True,
    )
    return dataclasses.replace(base, **changes)


def policy_with(base: Policy, **changes: Any) -> Policy:
    return dataclasses.replace(base, **changes)
