"""The transparency dashboard's summary: award facts and the cells the public page reads.

An approved award becomes an ``AwardFact`` (its projected contribution, computed once by the
engine from its comparison's stored inputs and results). The public page never aggregates
award facts: it reads ``TransparencyCell``, ``ScenarioCell`` and ``UsageCell`` rows, a few
thousand at most however many awards there are. Each approval or usage report rewrites only
the series it touches — national, and (unless the award is restricted) its sector, use case,
buyer type and ministry — from the award facts, in a Celery task after the commit
(``award_approved``, ``usage_reported``); ``rebuild`` (``manage.py rebuild_transparency``)
rewrites every series; the beat's ``summary_sweep`` picks up an approval whose task was lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from celery import current_app
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Ceil
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from procurement import national, selectors
from procurement.engine.national import award_contribution
from procurement.models import (
    AwardFact,
    Decision,
    ScenarioCell,
    TransparencyCell,
    UsageCell,
    UsageReport,
)

logger = logging.getLogger(__name__)

AWARD_TASK = "procurement.tasks.summary_award"
USAGE_TASK = "procurement.tasks.summary_usage"
BUCKETS = {
    "domestic": "domestic_operator",
    "foreign_in_india": "foreign_operator_in_country",
    "abroad": "abroad",
}


# Award facts ---------------------------------------------------------------------------------


def award_fact_record(decision: Decision) -> AwardFact | None:
    """The award fact of an approved decision, made once (None for a decision not approved)."""
    existing = AwardFact.objects.filter(decision=decision).first()
    if existing is not None or decision.status != Decision.Status.APPROVED:
        return existing
    comparison = decision.comparison
    inputs = selectors.comparison_inputs(comparison)
    results = selectors.comparison_results(comparison)
    c = award_contribution(inputs, results, decision.offer_id)
    tco = results.offer(decision.offer_id).tco
    assert tco is not None and decision.decided_at is not None  # approved, eligible
    department = decision.department
    decided_on = timezone.localdate(decision.decided_at)
    start = inputs.workload.start_date
    fact = AwardFact(
        decision=decision,
        department=department,
        sector=department.sector,
        body_type=department.body_type,
        ministry=department.parent,
        use_case=inputs.workload.use_case,
        restricted=decision.restricted,
        decided_on=decided_on,
        quarter=national.quarter_of(decided_on),
        contract_start=start,
        contract_end=national.add_years(start, inputs.workload.term_years),
        offer_name=decision.offer_name,
        hosting=c.hosting,
        inferences=c.inferences,
        input_tokens=c.input_tokens,
        output_tokens=c.output_tokens,
        yearly_inferences=[year.requests for year in tco.years],
        nominal_inr=c.nominal_inr,
        npv_inr=c.npv_inr,
        premium_paid_inr=c.premium_paid_inr,
        shift_premium_pct=c.shift_premium_pct,
        shift_extra_inr=c.shift_extra_inr,
        is_demo=department.is_demo or comparison.uses_demo_data,
    )
    try:
        with transaction.atomic():
            fact.save()
    except IntegrityError:  # another worker recorded it first
        return AwardFact.objects.get(decision=decision)
    return fact


def facts_missing() -> QuerySet[Decision]:
    """Approved decisions without their award fact (a lost task, or approved before facts)."""
    return Decision.objects.filter(status=Decision.Status.APPROVED, award_fact__isnull=True)


# The cells -----------------------------------------------------------------------------------


def _series_facts(dimension: str, key: str) -> QuerySet[AwardFact]:
    facts = AwardFact.objects.all()
    if dimension == national.NATIONAL:
        return facts
    return facts.filter(restricted=False, **{dimension: key})


def _sums() -> dict[str, Any]:
    sums: dict[str, Any] = {
        "awards": Count("id"),
        "departments": Count("department", distinct=True),
        "demo_awards": Count("id", filter=Q(is_demo=True)),
        "npv_inr": Sum("npv_inr"),
        "premium_paid_inr": Sum("premium_paid_inr"),
    }
    for name, bucket in BUCKETS.items():
        sums[f"{name}_inferences"] = Sum(
            Case(When(hosting=bucket, then=F("inferences")), default=Value(0))
        )
        sums[f"{name}_tokens"] = Sum(
            Case(
                When(hosting=bucket, then=F("input_tokens") + F("output_tokens")),
                default=Value(0),
            )
        )
        sums[f"{name}_nominal_inr"] = Sum(
            Case(When(hosting=bucket, then=F("nominal_inr")), default=Value(Decimal(0)))
        )
    return sums


def _cell(
    dimension: str,
    key: str,
    quarter: str,
    row: dict[str, Any],
    now: dt.datetime,
    to_date: int,
    since: int,
) -> TransparencyCell:
    values = {
        name: row[name] or 0
        for name in (
            "domestic_inferences",
            "foreign_in_india_inferences",
            "abroad_inferences",
            "domestic_tokens",
            "foreign_in_india_tokens",
            "abroad_tokens",
        )
    }
    money = {
        name: Decimal(row[name] or 0)
        for name in (
            "domestic_nominal_inr",
            "foreign_in_india_nominal_inr",
            "abroad_nominal_inr",
            "npv_inr",
            "premium_paid_inr",
        )
    }
    return TransparencyCell(
        dimension=dimension,
        key=key,
        quarter=quarter,
        awards=row["awards"],
        departments=row["departments"],
        departments_to_date=to_date,
        departments_since=since,
        is_demo=row["demo_awards"] > 0,
        refreshed_at=now,
        **values,
        **money,
    )


def refresh_series(dimension: str, key: str) -> int:
    """Rewrite one series' cells (each quarter of decision, and all quarters) from the award
    facts, and its scenario steps when it has them. Returns the cells written."""
    facts = _series_facts(dimension, key)
    now = timezone.now()
    spans = list(facts.values("department").annotate(first=Min("quarter"), last=Max("quarter")))
    rows: list[dict[str, Any]] = [
        dict(row) for row in facts.values("quarter").annotate(**_sums()).order_by("quarter")
    ]
    cells = [
        _cell(
            dimension,
            key,
            row["quarter"],
            row,
            now,
            to_date=sum(1 for s in spans if s["first"] <= row["quarter"]),
            since=sum(1 for s in spans if s["last"] >= row["quarter"]),
        )
        for row in rows
    ]
    if rows:
        total = facts.aggregate(**_sums())
        cells.append(_cell(dimension, key, "", total, now, len(spans), len(spans)))
    with transaction.atomic():
        TransparencyCell.objects.filter(dimension=dimension, key=key).delete()
        TransparencyCell.objects.bulk_create(cells)
        if dimension in national.SCENARIO_DIMENSIONS:
            _refresh_scenario(dimension, key, facts)
    return len(cells)


def _refresh_scenario(dimension: str, key: str, facts: QuerySet[AwardFact]) -> None:
    """Awards a premium of p % would have moved: by quarter and by the smallest whole percent
    that moves each (a premium of p % moves an award iff its premium ≤ p, so whole steps are
    exact for whole-percent scenarios); premiums above the scale's top are left out."""
    steps = (
        facts.filter(shift_premium_pct__isnull=False, shift_premium_pct__lte=national.PREMIUM_MAX)
        .annotate(step=Ceil("shift_premium_pct"))
        .values("quarter", "step")
        .annotate(awards=Count("id"), inferences=Sum("inferences"), extra=Sum("shift_extra_inr"))
    )
    ScenarioCell.objects.filter(dimension=dimension, key=key).delete()
    ScenarioCell.objects.bulk_create(
        ScenarioCell(
            dimension=dimension,
            key=key,
            quarter=row["quarter"],
            premium_pct=int(row["step"]),
            awards=row["awards"],
            inferences=row["inferences"] or 0,
            extra_inr=Decimal(row["extra"] or 0),
        )
        for row in steps
    )


def series_of(fact: AwardFact) -> list[tuple[str, str]]:
    """The series an award counts in: national always; the others unless it is restricted."""
    series = [(national.NATIONAL, "")]
    if not fact.restricted:
        series += [(dimension, getattr(fact, dimension)) for dimension in national.DIMENSIONS]
    return series


def refresh_usage(quarter: str, today: dt.date | None = None) -> UsageCell | None:
    """Rewrite the projected-against-reported cell of one quarter served."""
    start, end = national.quarter_bounds(quarter)
    in_force = AwardFact.objects.filter(
        decision__isnull=False, contract_start__lt=end, contract_end__gt=start
    )
    latest = {
        report.decision_id: report
        for report in UsageReport.objects.filter(quarter=quarter).order_by("reported_at", "pk")
    }
    reporting = [
        (fact, latest[fact.decision_id])
        for fact in in_force.filter(decision_id__in=latest)
        if fact.decision_id is not None
    ]
    projected = sum(
        national.projected_in_quarter(fact.contract_start, fact.yearly_inferences, quarter)
        for fact, _report in reporting
    )
    with transaction.atomic():
        UsageCell.objects.filter(quarter=quarter).delete()
        if not latest and not in_force.exists():
            return None
        return UsageCell.objects.create(
            quarter=quarter,
            contracts_in_force=in_force.count(),
            contracts_reported=len(reporting),
            departments=len({fact.department_id for fact, _report in reporting}),
            departments_in_force=in_force.values("department").distinct().count(),
            projected_requests=projected,
            actual_requests=sum(report.requests for _fact, report in reporting),
            actual_tokens=sum(
                report.input_tokens + report.output_tokens for _fact, report in reporting
            ),
            invoiced_inr=sum((report.invoiced_inr for _fact, report in reporting), Decimal(0)),
            refreshed_at=timezone.now(),
        )


# What the tasks and the command call ----------------------------------------------------------


def award_refresh(decision_id: int) -> int:
    """Record an approved award's fact and rewrite the series it counts in."""
    decision = Decision.objects.select_related("department", "comparison").get(pk=decision_id)
    fact = award_fact_record(decision)
    if fact is None:
        return 0
    written = sum(refresh_series(dimension, key) for dimension, key in series_of(fact))
    for quarter in national.quarters_between(fact.contract_start, timezone.localdate()):
        refresh_usage(quarter)
    return written


def usage_refresh(quarters: Iterable[str]) -> None:
    for quarter in sorted(set(quarters)):
        refresh_usage(quarter)


def rebuild(today: dt.date | None = None) -> dict[str, int]:
    """Record every missing award fact, then rewrite every series, scenario and usage cell."""
    today = today or timezone.localdate()
    recorded = 0
    for decision in facts_missing().select_related("department", "comparison").iterator():
        recorded += award_fact_record(decision) is not None
    series = [(national.NATIONAL, "")] + [
        (dimension, key)
        for dimension in national.DIMENSIONS
        for key in AwardFact.objects.filter(restricted=False)
        .values_list(dimension, flat=True)
        .distinct()
        .order_by()
    ]
    kept = {(d, k) for d, k in series}
    stale = {
        (d, k) for d, k in TransparencyCell.objects.values_list("dimension", "key").distinct()
    } - kept
    for dimension, key in stale:
        TransparencyCell.objects.filter(dimension=dimension, key=key).delete()
        ScenarioCell.objects.filter(dimension=dimension, key=key).delete()
    cells = sum(refresh_series(dimension, key) for dimension, key in series)
    first = AwardFact.objects.filter(decision__isnull=False).aggregate(first=Min("contract_start"))
    quarters = set(UsageReport.objects.values_list("quarter", flat=True).distinct())
    if first["first"] is not None:
        quarters |= set(national.quarters_between(first["first"], today))
    UsageCell.objects.exclude(quarter__in=quarters).delete()
    usage_refresh(quarters)
    return {
        "facts recorded": recorded,
        "series": len(series),
        "cells": cells,
        "usage quarters": len(quarters),
    }


def sweep(today: dt.date | None = None) -> int:
    """The beat's pass: awards whose task was lost, and this and last quarter's usage (contracts
    fall due as the calendar moves, not only when someone reports)."""
    today = today or timezone.localdate()
    ids = list(facts_missing().values_list("pk", flat=True)[:500])
    for decision_id in ids:
        award_refresh(decision_id)
    current = national.quarter_of(today)
    usage_refresh([national.previous_quarter(current), current])
    return len(ids)


def _send(task: str, *args: object) -> None:
    """Hand a refresh to a worker. The decision or report has committed whatever happens here:
    a broker that cannot be reached, or (without Redis, run in this process) a refresh that
    fails, is logged and left for the sweep, never turned into an error for the person."""
    try:
        current_app.tasks[task].delay(*args)
    except (BrokerError, RedisError):
        logger.warning("%s%r: the broker is unreachable; left for the sweep", task, args)
    except Exception:
        logger.exception("%s%r failed; left for the sweep", task, args)


def award_approved(decision_id: int) -> None:
    """After the approval commits, hand the summary's refresh to a worker."""
    transaction.on_commit(lambda: _send(AWARD_TASK, decision_id))


def usage_reported(quarters: Iterable[str]) -> None:
    """After the reports commit, hand the usage cells' refresh to a worker."""
    chosen = sorted(set(quarters))
    transaction.on_commit(lambda: _send(USAGE_TASK, chosen))
