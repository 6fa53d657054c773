"""Reads of the catalogue for pages and the API, each a constant number of SQL queries.

Every list is fetched with its related rows prefetched, so the number of queries does not grow
with the number of providers, offerings, prices or evaluations (tests pin the counts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from providers.models import (
    Certification,
    FxRate,
    Offering,
    PriceRecord,
    Provider,
    QualityEvaluation,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class PricesInForce(TypedDict):
    """What ``offering_list`` prefetches on each offering."""

    prices_in_force: list[PriceRecord]


class OfferingsWithPrices(TypedDict):
    """What ``provider_details`` prefetches on each provider."""

    offerings_with_prices: list[WithAnnotations[Offering, PricesInForce]]


def valid_certifications(day: dt.date) -> QuerySet[Certification]:
    return Certification.objects.select_related("offering").filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=day), issued_on__lte=day
    )


def offering_list(day: dt.date) -> QuerySet[WithAnnotations[Offering, PricesInForce]]:
    """Offerings with provider, regions, languages and the prices in force on ``day``.

    ``offering.prices_in_force`` lists the prices effective on or before ``day``, newest first:
    its first item is the current price.
    """
    return (
        Offering.objects.select_related("provider")
        .prefetch_related(
            "languages",
            "processing_regions",
            "storage_regions",
            "log_regions",
            Prefetch(
                "prices",
                queryset=PriceRecord.objects.filter(effective_from__lte=day).order_by(
                    "-effective_from"
                ),
                to_attr="prices_in_force",
            ),
        )
        .order_by("provider__name", "name")
    )


def _provider_summaries(day: dt.date) -> QuerySet[Provider]:
    """Providers with offering counts by pricing mode, whether any offering is hosted in India,
    and the certifications valid on ``day`` (``provider.valid_certifications``)."""
    hosted = Offering.objects.hosted_in_india().filter(provider=OuterRef("pk"))
    return (
        Provider.objects.annotate(
            serverless_count=Count(
                "offerings",
                filter=Q(offerings__pricing_mode="serverless"),
                distinct=True,
            ),
            dedicated_count=Count(
                "offerings",
                filter=Q(offerings__pricing_mode="dedicated"),
                distinct=True,
            ),
            hosts_in_india=Exists(hosted),
        )
        .prefetch_related(
            Prefetch(
                "certifications",
                queryset=valid_certifications(day).order_by("kind"),
                to_attr="valid_certifications",
            ),
        )
        .order_by("name")
    )


def provider_list(day: dt.date) -> QuerySet[Provider]:
    """Provider summaries with their offerings' languages, for lists."""
    return _provider_summaries(day).prefetch_related(
        Prefetch("offerings", queryset=Offering.objects.prefetch_related("languages")),
    )


def _certifications_with_scope() -> QuerySet[Certification]:
    return Certification.objects.select_related("offering").order_by("kind", "-issued_on")


def provider_details(day: dt.date) -> QuerySet[WithAnnotations[Provider, OfferingsWithPrices]]:
    """Provider summaries with all certifications (valid and expired) and full offerings
    (``provider.offerings_with_prices``, as ``offering_list`` gives them)."""
    # Two calls: django-stubs types the prefetches of one call as one list, and the offerings'
    # type would be lost in the join with the certifications'.
    return (
        _provider_summaries(day)
        .prefetch_related(
            Prefetch("offerings", queryset=offering_list(day), to_attr="offerings_with_prices")
        )
        .prefetch_related(Prefetch("certifications", queryset=_certifications_with_scope()))
    )


def offering_details(day: dt.date) -> QuerySet[WithAnnotations[Offering, PricesInForce]]:
    """Offerings with their price history, evaluations and their provider's certifications."""
    return offering_list(day).prefetch_related(
        Prefetch("prices", queryset=PriceRecord.objects.order_by("-effective_from")),
        Prefetch(
            "evaluations",
            queryset=QualityEvaluation.objects.select_related("evaluator", "language").order_by(
                "use_case", "language__code", "-evaluated_on"
            ),
        ),
        Prefetch("provider__certifications", queryset=_certifications_with_scope()),
    )


def covering_certifications(offering: Offering) -> list[Certification]:
    """The provider-wide certifications and those scoped to this offering (prefetched)."""
    return [
        c for c in offering.provider.certifications.all() if c.offering_id in (None, offering.pk)
    ]


def any_demo(records: Iterable[object]) -> bool:
    return any(getattr(record, "is_demo", False) for record in records)


def fx_rates_in_force(day: dt.date) -> dict[str, FxRate]:
    """The newest rate on or before ``day`` of each currency, by currency (one query): the rate
    a foreign price's ₹ equivalent is shown at."""
    rates: dict[str, FxRate] = {}
    for rate in FxRate.objects.filter(date__lte=day).order_by("currency", "-date"):
        rates.setdefault(rate.currency, rate)
    return rates
