"""Reads for the officer's workflow: tenancy in one place, and rows mapped to engine inputs.

Tenancy: department-owned objects are fetched only through the ``get_<x>_for_user()`` helpers
below, which raise ``Http404`` for an object of another department exactly as for a missing one,
and lists through ``<x>_list(user)``, which filter by the user's department. Nothing here is
``unscoped_`` except what says so in its name.

Engine inputs: ``comparison_inputs()`` is the only place rows become engine dataclasses, one
``_to_<thing>()`` mapper per type.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from procurement import engine
from procurement.models import (
    AuditEvent,
    Comparison,
    Decision,
    Department,
    JustificationDocument,
    PolicyPack,
    Workload,
)
from providers.models import (
    Certification,
    FxRate,
    Offering,
    PriceRecord,
    QualityEvaluation,
    Region,
)

User = AbstractBaseUser | AnonymousUser


def department_of(user: User) -> Department | None:
    """The department a signed-in user belongs to, or None."""
    if not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return membership.department if membership else None


def _department_or_404(user: User) -> Department:
    department = department_of(user)
    if department is None:
        raise Http404("You do not belong to a department.")
    return department


# Tenancy ------------------------------------------------------------------------------------


def workload_list(
    user: User, *, query: str = "", archived: bool | None = False
) -> QuerySet[Workload]:
    """The user's department's workloads: active ones, archived ones, or both (None)."""
    department = department_of(user)
    if department is None:
        return Workload.objects.none()
    workloads = Workload.objects.for_department(department)
    if archived is not None:
        workloads = workloads.filter(
            status=Workload.Status.ARCHIVED if archived else Workload.Status.ACTIVE
        )
    if query:
        workloads = workloads.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return workloads.select_related("created_by")


def comparison_list(user: User, *, query: str = "") -> QuerySet[Comparison]:
    department = department_of(user)
    if department is None:
        return Comparison.objects.none()
    comparisons = Comparison.objects.for_department(department)
    if query:
        comparisons = comparisons.filter(
            Q(workload__title__icontains=query)
            | Q(recommended_name__icontains=query)
            | Q(fingerprint__startswith=query.lower())
        )
    return comparisons.select_related("workload", "policy_pack", "created_by").defer("snapshot")


def decision_list(user: User, *, query: str = "", status: str = "") -> QuerySet[Decision]:
    department = department_of(user)
    if department is None:
        return Decision.objects.none()
    decisions = Decision.objects.for_department(department)
    if query:
        decisions = decisions.filter(
            Q(offer_name__icontains=query) | Q(comparison__workload__title__icontains=query)
        )
    if status:
        decisions = decisions.filter(status=status)
    return decisions.select_related("comparison__workload", "proposed_by", "decided_by").defer(
        "comparison__snapshot"
    )


def get_workload_for_user(user: User, pk: int) -> Workload:
    department = _department_or_404(user)
    try:
        return Workload.objects.select_related("created_by").get(pk=pk, department=department)
    except Workload.DoesNotExist:
        raise Http404("No such workload.") from None


def get_comparison_for_user(user: User, pk: int) -> Comparison:
    department = _department_or_404(user)
    try:
        return Comparison.objects.select_related("workload", "policy_pack", "created_by").get(
            pk=pk, department=department
        )
    except Comparison.DoesNotExist:
        raise Http404("No such comparison.") from None


def get_decision_for_user(user: User, pk: int) -> Decision:
    department = _department_or_404(user)
    try:
        return Decision.objects.select_related(
            "comparison__workload", "proposed_by", "decided_by"
        ).get(pk=pk, department=department)
    except Decision.DoesNotExist:
        raise Http404("No such decision.") from None


def get_document_for_user(user: User, pk: Any) -> JustificationDocument:
    department = _department_or_404(user)
    try:
        return (
            JustificationDocument.objects.select_related("comparison__workload", "requested_by")
            .defer("pdf", "comparison__snapshot")
            .get(pk=pk, department=department)
        )
    except JustificationDocument.DoesNotExist:
        raise Http404("No such document.") from None


def documents_of(comparison: Comparison) -> list[JustificationDocument]:
    return list(comparison.documents.defer("pdf").select_related("requested_by"))


def document_pdf_for_user(user: User, pk: Any) -> JustificationDocument:
    """A ready document of the user's department, with its PDF bytes (404 otherwise)."""
    department = _department_or_404(user)
    try:
        return JustificationDocument.objects.select_related("comparison__workload").get(
            pk=pk, department=department, status=JustificationDocument.Status.READY
        )
    except JustificationDocument.DoesNotExist:
        raise Http404("No such document ready to download.") from None


def unscoped_issued_document(sha256: str) -> JustificationDocument | None:
    """The issued document with this SHA-256, whatever its department: for the public
    verification page, which shows only that it exists, when and for which department."""
    return (
        JustificationDocument.objects.filter(
            sha256=sha256, status=JustificationDocument.Status.READY
        )
        .select_related("department")
        .only("sha256", "finished_at", "department__name")
        .first()
    )


def decisions_of(comparison: Comparison) -> list[Decision]:
    return list(comparison.decisions.select_related("proposed_by", "decided_by"))


def audit_trail(
    department: Department, object_type: str, object_ids: list[str]
) -> list[AuditEvent]:
    """The audit events of some objects of one department, oldest first."""
    return list(
        AuditEvent.objects.filter(
            department=department, object_type=object_type, object_id__in=object_ids
        ).select_related("actor")
    )


# Policy packs (shared by every department) ---------------------------------------------------


def published_pack(slug: str | None = None, on: dt.date | None = None) -> PolicyPack:
    """The newest published version of a pack in force on ``on`` (default pack if no slug)."""
    packs = PolicyPack.objects.filter(status=PolicyPack.Status.PUBLISHED)
    if slug:
        packs = packs.filter(slug=slug)
    if on:
        packs = packs.filter(effective_from__lte=on)
    pack = packs.order_by("-effective_from", "-version").first()
    if pack is None:
        raise PolicyPack.DoesNotExist("No published policy pack is in force.")
    return pack


def policy_pack_list() -> QuerySet[PolicyPack]:
    return PolicyPack.objects.select_related("created_by", "published_by").defer("document")


def get_policy_pack(slug: str, version: int) -> PolicyPack:
    try:
        return PolicyPack.objects.select_related("created_by", "published_by").get(
            slug=slug, version=version
        )
    except PolicyPack.DoesNotExist:
        raise Http404("No such policy pack version.") from None


# Rows → engine inputs ------------------------------------------------------------------------


def _to_region(region: Region) -> engine.Region:
    return engine.Region(
        code=region.code,
        country=region.country,
        city=region.city,
        operator_type=region.operator_type,  # type: ignore[arg-type]
    )


def _to_provider(offering: Offering) -> engine.ProviderFacts:
    p = offering.provider
    return engine.ProviderFacts(
        provider_id=p.slug,
        provider_name=p.name,
        headquarters_country=p.headquarters_country,
        ownership=p.ownership,  # type: ignore[arg-type]
        local_content_pct=p.local_content_pct,
        mse_status=p.mse_status,  # type: ignore[arg-type]
        land_border_country=p.land_border_country,
        dpiit_registered_until=p.dpiit_registered_until,
        is_demo=p.is_demo,
    )


def _to_price(price: PriceRecord) -> engine.Price:
    return engine.Price(
        currency=price.currency,
        source_url=price.source_url or "(demo data: no source)",
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


def _to_certification(cert: Certification) -> engine.Certification:
    return engine.Certification(
        kind=cert.kind,  # type: ignore[arg-type]
        issuer=cert.issuer,
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        evidence_url=cert.evidence_url or cert.source_url,
        is_demo=cert.is_demo,
    )


def _to_evaluation(evaluation: QualityEvaluation) -> engine.QualityEvaluation:
    return engine.QualityEvaluation(
        use_case=evaluation.use_case,  # type: ignore[arg-type]
        language=evaluation.language_id,
        score=evaluation.score,
        evaluator=evaluation.evaluator.name,
        evaluator_accredited=evaluation.evaluator.accredited,
        method=evaluation.method,
        evaluated_on=evaluation.evaluated_on,
        valid_until=evaluation.valid_until,
        evidence_url=evaluation.evidence_url or evaluation.source_url,
        is_demo=evaluation.is_demo,
    )


def _to_offer(
    offering: Offering, price: PriceRecord, certifications: list[Certification]
) -> engine.Offer:
    return engine.Offer(
        offer_id=offering.slug,
        name=f"{offering.provider.name} — {offering.name}",
        model_name=offering.model_name,
        model_family=offering.model_family,
        open_weights=offering.open_weights,
        pricing_mode=offering.pricing_mode,  # type: ignore[arg-type]
        provider=_to_provider(offering),
        price=_to_price(price),
        processing_regions=tuple(_to_region(r) for r in offering.processing_regions.all()),
        storage_regions=tuple(_to_region(r) for r in offering.storage_regions.all()),
        log_regions=tuple(_to_region(r) for r in offering.log_regions.all()),
        context_window=offering.context_window,
        languages=tuple(lang.code for lang in offering.languages.all()),
        p95_latency_ms=offering.p95_latency_ms,
        sla_availability_pct=offering.sla_availability_pct,
        trains_on_customer_data=offering.trains_on_customer_data,  # type: ignore[arg-type]
        retention_days=offering.retention_days,
        india_processing_guaranteed=offering.india_processing_guaranteed,
        deprecation_notice_days=offering.deprecation_notice_days,
        shutdown_date=offering.shutdown_date,
        pinned_snapshot=offering.pinned_snapshot,
        certifications=tuple(_to_certification(c) for c in certifications),
        evaluations=tuple(_to_evaluation(e) for e in offering.evaluations.all()),
        is_demo=offering.is_demo,
    )


def _to_workload(workload: Workload) -> engine.Workload:
    return engine.load_workload(workload_document(workload))


def workload_document(workload: Workload) -> dict[str, Any]:
    """The workload row as the engine's workload JSON (validated by ``engine.load_workload``)."""
    return {
        "use_case": workload.use_case,
        "languages": list(workload.languages),
        "requests_per_day": workload.requests_per_day,
        "mean_input_tokens": workload.mean_input_tokens,
        "mean_output_tokens": workload.mean_output_tokens,
        "term_years": workload.term_years,
        "start_date": workload.start_date.isoformat(),
        "data_classification": list(workload.data_classification),
        "cached_input_share_pct": workload.cached_input_share_pct,
        "annual_growth_pct": workload.annual_growth_pct,
        "peak_to_average": workload.peak_to_average,
        "max_p95_latency_ms": workload.max_p95_latency_ms,
        "min_availability_pct": workload.min_availability_pct,
        "estimated_value_inr": workload.estimated_value_inr,
        "procurement_category": workload.procurement_category,
        "evaluation_method": workload.evaluation_method or None,
        "qcbs_technical_weight_pct": workload.qcbs_technical_weight_pct,
        "quality_oriented_procurement_declared": workload.quality_oriented_procurement_declared,
        "global_tender_approved": workload.global_tender_approved,
        "buyer_gst_registered_business_use": workload.buyer_gst_registered_business_use,
    }


def _to_fx(rate: FxRate) -> engine.FxRate:
    source = rate.source_url or rate.source_note or "(demo data: no source)"
    return engine.FxRate(
        currency=rate.currency,
        rate_to_inr=rate.rate_to_inr,
        date=rate.date,
        source=source,
        is_demo=rate.is_demo,
    )


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
    offers = []
    for offering in offerings:
        if not offering.prices_in_force:
            continue
        covering = [
            c for c in certifications[offering.provider_id] if c.offering_id in (None, offering.pk)
        ]
        offers.append(_to_offer(offering, offering.prices_in_force[0], covering))
    return offers


def fx_rates(on: dt.date) -> list[engine.FxRate]:
    """Every FX rate dated on or before ``on`` (the engine picks the latest and says which)."""
    return [_to_fx(rate) for rate in FxRate.objects.filter(date__lte=on)]


def comparison_inputs(
    workload: Workload, pack: PolicyPack, on: dt.date
) -> tuple[engine.Workload, list[engine.Offer], engine.Policy, list[engine.FxRate]]:
    """Everything the engine needs to compare the catalogue for ``workload`` on ``on``."""
    return (
        _to_workload(workload),
        catalogue_offers(on),
        engine.load_policy(pack.document),
        fx_rates(on),
    )
