"""Writes to the catalogue: loading catalogue files and importing LiteLLM list prices.

Loading is an idempotent upsert by natural keys (a language's code, a region's code, a
provider's or offering's slug, a price's offering and effective date, ...). A record in the file
replaces the fields of the matching row; rows the file does not mention are left alone (the loader
never deletes). Each run reports how many rows it created, updated and left unchanged, so a second
run of the same file reports only "unchanged". On a running instance catalogue changes come here
through ``procurement.platform`` (proposed, approved, never rewriting a dated record).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from providers.catalogue_format import CatalogueError, Problem
from providers.litellm import LitellmPrice
from providers.models import (
    Certification,
    Evaluator,
    FxRate,
    Language,
    Offering,
    PriceRecord,
    Provider,
    QualityEvaluation,
    Region,
)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
M = TypeVar("M", bound=models.Model)
PROVENANCE = ("source_url", "source_note", "checked_on")


@dataclass
class LoadReport:
    """Counts of created / updated / unchanged rows per kind of record."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    dry_run: bool = False

    def add(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.total(CREATED) or self.total(UPDATED))

    def table(self) -> str:
        width = max([len(k) for k in self.counts] + [5])
        lines = [f"{'':{width}}  {CREATED:>8}  {UPDATED:>8}  {UNCHANGED:>9}"]
        for kind, c in self.counts.items():
            lines.append(f"{kind:{width}}  {c[CREATED]:>8}  {c[UPDATED]:>8}  {c[UNCHANGED]:>9}")
        lines.append(
            f"{'total':{width}}  {self.total(CREATED):>8}  {self.total(UPDATED):>8}  "
            f"{self.total(UNCHANGED):>9}"
        )
        return "\n".join(lines)


class _DryRunRollback(Exception):
    pass


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _provenance(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "source_url": record.get("source_url", ""),
        "source_note": record.get("source_note", ""),
        "checked_on": _date(record.get("checked_on")),
        "is_demo": bool(record.get("demo", False)),
    }


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, Decimal) or isinstance(new, Decimal):
        return current is not None and new is not None and Decimal(current) == Decimal(new)
    return bool(current == new)


def _upsert(
    report: LoadReport,
    kind: str,
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    m2m: dict[str, set[Any]] | None = None,
) -> M:
    """Create or update one row by its natural key; record what happened in ``report``.

    ``values`` are keyed by attribute name (``provider_id``, not ``provider``); ``m2m`` maps a
    many-to-many field to the set of primary keys it must hold.
    """
    obj = model._default_manager.filter(**lookup).first()
    outcome = UNCHANGED
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        outcome = CREATED
    else:
        changed = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            outcome = UPDATED
    for name, wanted in (m2m or {}).items():
        manager = getattr(obj, name)
        if outcome == CREATED or set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(wanted)
            if outcome == UNCHANGED:
                outcome = UPDATED
    report.add(kind, outcome)
    return obj


def catalogue_load(data: Mapping[str, Any], *, dry_run: bool = False) -> LoadReport:
    """Upsert a validated catalogue document (see ``parse_catalogue``) in one transaction.

    With ``dry_run`` every change is made and counted, then rolled back.
    """
    report = LoadReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _load(data, report)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def _load(data: Mapping[str, Any], report: LoadReport) -> None:
    for lang in data.get("languages", []):
        _upsert(report, "languages", Language, {"code": lang["code"]}, {"name": lang["name"]})
    for r in data.get("regions", []):
        _upsert(
            report,
            "regions",
            Region,
            {"code": r["code"]},
            {
                "name": r["name"],
                "country": r["country"],
                "city": r["city"],
                "operator_type": r["operator_type"],
                "operator_name": r["operator"]["name"],
                "operator_ownership": r["operator"]["ownership"],
                "operator_country": r["operator"]["country"],
                "operator_source_note": r["operator"].get("source_note", ""),
                "operator_is_demo": r["operator"].get("demo", False),
                **_provenance(r),
            },
        )
    for e in data.get("evaluators", []):
        _upsert(
            report,
            "evaluators",
            Evaluator,
            {"slug": e["slug"]},
            {
                "name": e["name"],
                "accredited": e["accredited"],
                "accreditation": e.get("accreditation", ""),
                "website": e.get("website", ""),
                **_provenance(e),
            },
        )
    for fx in data.get("fx_rates", []):
        _upsert(
            report,
            "fx rates",
            FxRate,
            {"currency": fx["currency"], "date": _date(fx["date"])},
            {"rate_to_inr": fx["rate_to_inr"], **_provenance(fx)},
        )
    regions = dict(Region.objects.values_list("code", "pk"))
    evaluators = dict(Evaluator.objects.values_list("slug", "pk"))
    for p in data["providers"]:
        provider = _upsert(
            report,
            "providers",
            Provider,
            {"slug": p["slug"]},
            {
                "name": p["name"],
                "legal_name": p["legal_name"],
                "headquarters_country": p["headquarters_country"],
                "billing_country": p.get("billing_country", ""),
                "ownership": p["ownership"],
                "local_content_pct": p["local_content_pct"],
                "mse_status": p.get("mse_status", "none"),
                "land_border_country": p.get("land_border_country", False),
                "dpiit_registered_until": _date(p.get("dpiit_registered_until")),
                "website": p.get("website", ""),
                "description": p.get("description", ""),
                **_provenance(p),
            },
        )
        offerings = {}
        for o in p.get("offerings", []):
            offerings[o["slug"]] = _load_offering(report, provider, o, regions, evaluators)
        for c in p.get("certifications", []):
            offering = offerings.get(c["offering"]) if c.get("offering") else None
            _upsert(
                report,
                "certifications",
                Certification,
                {
                    "provider": provider,
                    "offering": offering,
                    "kind": c["kind"],
                    "issued_on": _date(c["issued_on"]),
                },
                {
                    "issuer": c["issuer"],
                    "reference": c.get("reference", ""),
                    "expires_on": _date(c.get("expires_on")),
                    "evidence_url": c.get("evidence_url", ""),
                    **_provenance(c),
                },
            )


def _load_offering(
    report: LoadReport,
    provider: Provider,
    o: Mapping[str, Any],
    regions: dict[str, int],
    evaluators: dict[str, int],
) -> Offering:
    offering = _upsert(
        report,
        "offerings",
        Offering,
        {"slug": o["slug"]},
        {
            "provider_id": provider.pk,
            "name": o["name"],
            "model_name": o["model_name"],
            "model_family": o["model_family"],
            "open_weights": o.get("open_weights", False),
            "pricing_mode": o["pricing_mode"],
            "gpu_type": o.get("gpu_type", ""),
            "context_window": o["context_window"],
            "p95_latency_ms": o.get("p95_latency_ms"),
            "sla_availability_pct": o.get("sla_availability_pct"),
            "trains_on_customer_data": o.get("trains_on_customer_data", "unknown"),
            "retention_days": o.get("retention_days"),
            "india_processing_guaranteed": o.get("india_processing_guaranteed", False),
            "deprecation_notice_days": o.get("deprecation_notice_days"),
            "shutdown_date": _date(o.get("shutdown_date")),
            "pinned_snapshot": o.get("pinned_snapshot", False),
            "litellm_key": o.get("litellm_key") or None,
            **_provenance(o),
        },
        m2m={
            "processing_regions": {regions[c] for c in o["processing_regions"]},
            "storage_regions": {regions[c] for c in o.get("storage_regions", [])},
            "log_regions": {regions[c] for c in o.get("log_regions", [])},
            "languages": set(o["languages"]),
        },
    )
    for price in o.get("prices", []):
        _upsert(
            report,
            "prices",
            PriceRecord,
            {"offering": offering, "effective_from": _date(price["effective_from"])},
            {
                "currency": price["currency"],
                **{
                    name: price.get(name)
                    for name in (
                        "input_per_mtok",
                        "cached_input_per_mtok",
                        "output_per_mtok",
                        "gpu_hour_price",
                        "output_tokens_per_sec_per_gpu",
                        "gpus_per_node",
                        "min_gpus",
                    )
                },
                "onboarding_fee": price.get("onboarding_fee", Decimal("0")),
                "exit_fee": price.get("exit_fee", Decimal("0")),
                **_provenance(price),
            },
        )
    for e in o.get("evaluations", []):
        _upsert(
            report,
            "evaluations",
            QualityEvaluation,
            {
                "offering": offering,
                "evaluator_id": evaluators[e["evaluator"]],
                "use_case": e["use_case"],
                "language_id": e["language"],
                "evaluated_on": _date(e["evaluated_on"]),
            },
            {
                "score": e["score"],
                "method": e["method"],
                "valid_until": _date(e["valid_until"]),
                "evidence_url": e.get("evidence_url", ""),
                **_provenance(e),
            },
        )
    return offering


def litellm_prices_import(
    prices: Mapping[str, LitellmPrice],
    *,
    effective_from: dt.date,
    source_url: str,
    source_note: str,
    dry_run: bool = False,
) -> tuple[LoadReport, list[str]]:
    """Record LiteLLM list prices for every offering linked to a LiteLLM key.

    Returns the report and the offerings whose key has no chat price with both input and output
    in the file (they are left as they were).
    """
    report = LoadReport(dry_run=dry_run)
    missing: list[str] = []
    linked = Offering.objects.exclude(litellm_key=None).order_by("slug")
    try:
        with transaction.atomic():
            for offering in linked:
                assert offering.litellm_key is not None  # linked excludes offerings without one
                price = prices.get(offering.litellm_key)
                if price is None:
                    missing.append(f"{offering.slug} ({offering.litellm_key})")
                    continue
                if offering.pricing_mode != "serverless":
                    raise CatalogueError(
                        [
                            Problem(
                                offering.slug, _("a dedicated offering cannot follow a token price")
                            )
                        ]
                    )
                _upsert(
                    report,
                    "prices",
                    PriceRecord,
                    {"offering": offering, "effective_from": effective_from},
                    {
                        "currency": "USD",
                        "input_per_mtok": price.input_per_mtok,
                        "cached_input_per_mtok": price.cached_input_per_mtok,
                        "output_per_mtok": price.output_per_mtok,
                        "source_url": source_url,
                        "source_note": source_note,
                        "checked_on": effective_from,
                        "is_demo": False,
                    },
                )
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report, missing
