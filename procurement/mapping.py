"""Rows → engine inputs: the one place the app's records become the engine's dataclasses.

One mapper per engine type, and the reads of the (shared) catalogue that feed them, everything
prefetched so a comparison makes a constant number of queries. The workload is copied field by
field as the table in ``procurement.workload_fields`` lists them, so a new workload field needs
no line here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, get_args

from django.db.models import Prefetch

from procurement import engine
from procurement.models import Accreditation, PolicyPack
from procurement.workload_fields import WorkloadValues, engine_fields
from providers.models import (
    Certification,
    FxRate,
    Offering,
    PriceRecord,
    QualityEvaluation,
    Region,
)

NO_SOURCE = "(demo data: no source)"


def code(enumeration: object, value: str) -> Any:
    """A catalogue value as a value of the engine's enumeration.

    The catalogue's choices are built from the same enumerations (``procurement.labels``) and
    its database refuses others, so this only fails on a row written around both; the engine
    checks every offer again before computing.
    """
    if value not in get_args(enumeration):
        raise ValueError(f"{value!r} is not one of {get_args(enumeration)}")
    return value


def workload_input(values: WorkloadValues) -> engine.Workload:
    """The engine's workload: every field the table marks as an engine input, as it is."""
    return engine.Workload(**{row.name: getattr(values, row.name) for row in engine_fields()})


def operator_input(region: Region) -> engine.Operator:
    return engine.Operator(
        name=region.operator_name,
        ownership=code(engine.Ownership, region.operator_ownership),
        country=region.operator_country,
        is_demo=region.operator_is_demo,
    )


def region_input(region: Region) -> engine.Region:
    return engine.Region(
        code=region.code,
        country=region.country,
        city=region.city,
        operator_type=code(engine.OperatorType, region.operator_type),
        operator=operator_input(region),
    )


def provider_input(offering: Offering) -> engine.ProviderFacts:
    p = offering.provider
    return engine.ProviderFacts(
        provider_id=p.slug,
        provider_name=p.name,
        headquarters_country=p.headquarters_country,
        ownership=code(engine.Ownership, p.ownership),
        local_content_pct=p.local_content_pct,
        mse_status=code(engine.MseStatus, p.mse_status),
        land_border_country=p.land_border_country,
        dpiit_registered_until=p.dpiit_registered_until,
        billing_country=p.billing_country or None,
        is_demo=p.is_demo,
    )


def price_input(price: PriceRecord) -> engine.Price:
    return engine.Price(
        currency=price.currency,
        source_url=price.source_url or NO_SOURCE,
        checked_on=price.checked_on or price.effective_from,
        input_per_mtok=price.input_per_mtok,
        cached_input_per_mtok=price.cached_input_per_mtok,
        output_per_mtok=price.output_per_mtok,
        gpu_hour_price=price.gpu_hour_price,
        output_tokens_per_sec_per_gpu=price.output_tokens_per_sec_per_gpu,
        gpus_per_node=price.gpus_per_node or 1,
        min_gpus=price.min_gpus or 1,
        onboarding_fee=price.onboarding_fee,
        exit_fee=price.exit_fee,
        is_demo=price.is_demo,
    )


def certification_input(cert: Certification) -> engine.Certification:
    return engine.Certification(
        kind=code(engine.CertificationKind, cert.kind),
        issuer=cert.issuer,
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        evidence_url=cert.evidence_url or cert.source_url,
        is_demo=cert.is_demo,
    )


def accreditation_term(
    evaluation: QualityEvaluation, accreditations: Sequence[Accreditation], on: dt.date
) -> tuple[bool, dt.date | None]:
    """Whether the evaluation's evaluator is accredited for its use case and language on ``on``,
    and until when (for the engine's ``evaluator_accredited`` and ``accredited_until``).

    An evaluator the accreditation authority has granted scoped accreditations
    (``accreditations``: all its rows) is accredited for a scope that one granted on or before
    ``on`` covers, until the latest such term ends; past that date the engine says the
    accreditation expired. An evaluator with no such row is as the catalogue records it (its
    ``accredited`` flag, no term). A withdrawal clears the flag, whatever the rows say.
    """
    evaluator = evaluation.evaluator
    if not accreditations:
        return evaluator.accredited, None
    covering = [
        a
        for a in accreditations
        if a.granted_on <= on and a.covers(evaluation.use_case, evaluation.language_id)
    ]
    if not evaluator.accredited or not covering:
        return False, None
    return True, max(a.expires_on for a in covering)


def evaluation_input(
    evaluation: QualityEvaluation,
    accreditations: Sequence[Accreditation] = (),
    on: dt.date | None = None,
) -> engine.QualityEvaluation:
    accredited, until = accreditation_term(evaluation, accreditations, on or dt.date.max)
    return engine.QualityEvaluation(
        use_case=code(engine.UseCase, evaluation.use_case),
        language=evaluation.language_id,
        score=evaluation.score,
        evaluator=evaluation.evaluator.name,
        evaluator_accredited=accredited,
        method=evaluation.method,
        evaluated_on=evaluation.evaluated_on,
        valid_until=evaluation.valid_until,
        evidence_url=evaluation.evidence_url or evaluation.source_url,
        is_demo=evaluation.is_demo,
        accredited_until=until,
    )


def offer_input(
    offering: Offering,
    price: PriceRecord,
    certifications: Iterable[Certification],
    accreditations: Mapping[int, Sequence[Accreditation]] | None = None,
    on: dt.date | None = None,
) -> engine.Offer:
    """One offering at ``price``, covered by ``certifications`` (its own and its provider's),
    its evaluations' evaluators accredited as ``accreditations`` (by evaluator id) say on ``on``.

    Reads the offering's regions, languages and evaluations (with their evaluators), which the
    caller prefetches.
    """
    return engine.Offer(
        offer_id=offering.slug,
        name=f"{offering.provider.name} — {offering.name}",
        model_name=offering.model_name,
        model_family=offering.model_family,
        open_weights=offering.open_weights,
        pricing_mode=code(engine.PricingMode, offering.pricing_mode),
        provider=provider_input(offering),
        price=price_input(price),
        processing_regions=tuple(region_input(r) for r in offering.processing_regions.all()),
        storage_regions=tuple(region_input(r) for r in offering.storage_regions.all()),
        log_regions=tuple(region_input(r) for r in offering.log_regions.all()),
        context_window=offering.context_window,
        languages=tuple(lang.code for lang in offering.languages.all()),
        p95_latency_ms=offering.p95_latency_ms,
        sla_availability_pct=offering.sla_availability_pct,
        trains_on_customer_data=code(engine.TrainingTerms, offering.trains_on_customer_data),
        retention_days=offering.retention_days,
        india_processing_guaranteed=offering.india_processing_guaranteed,
        deprecation_notice_days=offering.deprecation_notice_days,
        shutdown_date=offering.shutdown_date,
        pinned_snapshot=offering.pinned_snapshot,
        certifications=tuple(certification_input(c) for c in certifications),
        evaluations=tuple(
            evaluation_input(e, (accreditations or {}).get(e.evaluator_id, ()), on)
            for e in offering.evaluations.all()
        ),
        is_demo=offering.is_demo,
    )


def fx_input(rate: FxRate) -> engine.FxRate:
    """The rate as the engine takes it; its source names the publisher and the date in words
    (the catalogue's note), then the page it was read from."""
    return engine.FxRate(
        currency=rate.currency,
        rate_to_inr=rate.rate_to_inr,
        date=rate.date,
        source=", ".join(s for s in (rate.source_note, rate.source_url) if s) or NO_SOURCE,
        is_demo=rate.is_demo,
    )


# Everything the engine needs, from the catalogue's rows -------------------------------------------


def catalogue_offers(on: dt.date) -> list[engine.Offer]:
    """Every offering with a price in force on ``on``, as engine offers (constant queries)."""
    offerings = Offering.objects.select_related("provider").prefetch_related(
        "processing_regions",
        "storage_regions",
        "log_regions",
        "languages",
        Prefetch(
            "prices",
            queryset=PriceRecord.objects.filter(effective_from__lte=on).order_by("-effective_from"),
            to_attr="prices_in_force",
        ),
        Prefetch("evaluations", queryset=QualityEvaluation.objects.select_related("evaluator")),
    )
    certifications: dict[int, list[Certification]] = defaultdict(list)
    for cert in Certification.objects.all():
        certifications[cert.provider_id].append(cert)
    accreditations: dict[int, list[Accreditation]] = defaultdict(list)
    for accreditation in Accreditation.objects.all():
        accreditations[accreditation.evaluator_id].append(accreditation)
    offers = []
    for offering in offerings:
        prices: list[PriceRecord] = getattr(offering, "prices_in_force", [])
        if not prices:
            continue
        covering = [
            c for c in certifications[offering.provider_id] if c.offering_id in (None, offering.pk)
        ]
        offers.append(offer_input(offering, prices[0], covering, accreditations, on))
    return offers


def fx_rates(on: dt.date) -> list[engine.FxRate]:
    """Every FX rate dated on or before ``on`` (the engine picks the latest and says which)."""
    return [fx_input(rate) for rate in FxRate.objects.filter(date__lte=on)]


def comparison_inputs(
    values: WorkloadValues, pack: PolicyPack, on: dt.date
) -> tuple[engine.Workload, list[engine.Offer], engine.Policy, list[engine.FxRate]]:
    """Everything the engine needs to compare the catalogue for a workload on ``on``."""
    return (
        workload_input(values),
        catalogue_offers(on),
        engine.load_policy(pack.document),
        fx_rates(on),
    )
