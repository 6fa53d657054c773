"""The transparency dashboard's summary: award facts and the cells the public page reads.

An approved award becomes an ``AwardFact`` (its projected contribution, computed once by the
engine from its comparison's stored inputs and results). The public page never aggregates
award facts: it reads ``TransparencyCell``, ``ScenarioCell`` and ``UsageCell`` rows, a few
thousand at most however many awards there are. Each approval rewrites only its quarter's
cell in the series it counts in — national, and (unless the award is restricted) its sector,
use case, buyer type and ministry — and what follows from it (see "The cells" below); a usage
report, the usage cells of its quarters; both in a Celery task after the commit
(``award_approved``, ``usage_reported``). ``rebuild`` (``manage.py rebuild_transparency``)
rewrites every series; the beat's ``summary_sweep`` picks up an approval whose task was lost.
At 1,000,000 award facts an approval's refresh takes about a second on two cores
(``benchmarks/transparency.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from celery import current_app
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
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


def _superseded() -> Q:
    """Planning decisions whose tender's award is approved: the award counts in their place."""
    return Q(
        tender__evaluations__decisions__status=Decision.Status.APPROVED,
    )


def award_fact_record(decision: Decision) -> AwardFact | None:
    """The award fact of an approved decision, made once (None for a decision not approved, or
    a planning decision superseded by its tender's approved award)."""
    existing = AwardFact.objects.filter(decision=decision).first()
    if existing is not None or decision.status != Decision.Status.APPROVED:
        return existing
    if Decision.objects.filter(_superseded(), pk=decision.pk).exists():
        return None
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
    """Approved decisions without their award fact (a lost task, or approved before facts),
    but for planning decisions superseded by their tender's approved award."""
    return Decision.objects.filter(
        status=Decision.Status.APPROVED, award_fact__isnull=True
    ).exclude(_superseded())


def supersede_planning(decision: Decision) -> AwardFact | None:
    """A tender's approved award takes its planning decision's place in the figures: the
    planning decision's projected fact (derived data, rebuilt from decisions) is removed and
    returned, so its quarter's cells can be rewritten."""
    tender_id = decision.comparison.tender_id
    if tender_id is None or decision.status != Decision.Status.APPROVED:
        return None
    fact = AwardFact.objects.filter(decision__tender__pk=tender_id).first()
    if fact is not None:
        AwardFact.objects.filter(pk=fact.pk).delete()
    return fact


# The cells -----------------------------------------------------------------------------------
#
# A series' cells are built in two steps, whichever path writes them: its quarter cells (each
# quarter's sums, from the award facts of that quarter), then ``_finish_series``, which sets
# every quarter cell's departments to date and since from one index-only query and writes the
# all-quarters cell as the sum of the quarter cells (sums add; its departments are those of the
# whole series). ``rebuild`` computes every quarter cell of a dimension in one grouped query;
# an approval (``award_refresh``) recomputes only its own quarter's cell in each series it
# counts in. Both paths give identical cells (tests/test_transparency_scale.py).

MONEY = (
    "domestic_nominal_inr",
    "foreign_in_india_nominal_inr",
    "abroad_nominal_inr",
    "npv_inr",
    "premium_paid_inr",
)
COUNTS = (
    "awards",
    "domestic_inferences",
    "foreign_in_india_inferences",
    "abroad_inferences",
    "domestic_tokens",
    "foreign_in_india_tokens",
    "abroad_tokens",
)


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
        sums[f"{name}_inferences"] = Sum("inferences", filter=Q(hosting=bucket))
        sums[f"{name}_tokens"] = Sum(
            F("input_tokens") + F("output_tokens"), filter=Q(hosting=bucket)
        )
        sums[f"{name}_nominal_inr"] = Sum("nominal_inr", filter=Q(hosting=bucket))
    return sums


def _quarter_cell(
    dimension: str, key: str, quarter: str, row: dict[str, Any], now: dt.datetime
) -> TransparencyCell:
    """A quarter's cell from its sums (departments to date and since: ``_finish_series``)."""
    return TransparencyCell(
        dimension=dimension,
        key=key,
        quarter=quarter,
        departments=row["departments"],
        departments_to_date=0,
        departments_since=0,
        is_demo=row["demo_awards"] > 0,
        refreshed_at=now,
        **{name: row[name] or 0 for name in COUNTS},
        **{name: Decimal(row[name] or 0) for name in MONEY},
    )


def _lock_series(dimension: str, key: str) -> None:
    """Serialise the writers of one series until the transaction ends (PostgreSQL; SQLite
    writes one transaction at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"procurement.summary {dimension} {key}"],
            )


def _finish_series(dimension: str, key: str, now: dt.datetime) -> int:
    """Set the departments to date and since of every quarter cell of the series and write its
    all-quarters cell from them. Returns the cells of the series."""
    spans = list(
        _series_facts(dimension, key)
        .order_by()
        .values("department")
        .annotate(first=Min("quarter"), last=Max("quarter"))
        .values_list("first", "last")
    )
    cells = list(TransparencyCell.objects.filter(dimension=dimension, key=key).exclude(quarter=""))
    firsts, lasts = sorted(s[0] for s in spans), sorted(s[1] for s in spans)
    for cell in cells:
        cell.departments_to_date = bisect_right(firsts, cell.quarter)
        cell.departments_since = len(lasts) - bisect_left(lasts, cell.quarter)
    TransparencyCell.objects.bulk_update(cells, ["departments_to_date", "departments_since"])
    TransparencyCell.objects.filter(dimension=dimension, key=key, quarter="").delete()
    if not cells:
        return 0
    whole = TransparencyCell(
        dimension=dimension,
        key=key,
        quarter="",
        departments=len(spans),
        departments_to_date=len(spans),
        departments_since=len(spans),
        is_demo=any(cell.is_demo for cell in cells),
        refreshed_at=now,
        **{name: sum(getattr(cell, name) for cell in cells) for name in COUNTS},
        **{name: sum((getattr(cell, name) for cell in cells), Decimal(0)) for name in MONEY},
    )
    whole.save()
    return len(cells) + 1


def refresh_series(dimension: str, key: str) -> int:
    """Rewrite one series' cells (each quarter of decision, and all quarters) from the award
    facts, and its scenario steps when it has them. Returns the cells written."""
    rows = _series_facts(dimension, key).order_by().values("quarter").annotate(**_sums())
    return _write_series(dimension, key, {row["quarter"]: dict(row) for row in rows})


def _write_series(dimension: str, key: str, rows: dict[str, dict[str, Any]]) -> int:
    now = timezone.now()
    with transaction.atomic():
        _lock_series(dimension, key)
        TransparencyCell.objects.filter(dimension=dimension, key=key).delete()
        TransparencyCell.objects.bulk_create(
            _quarter_cell(dimension, key, quarter, row, now) for quarter, row in rows.items()
        )
        written = _finish_series(dimension, key, now)
        if dimension in national.SCENARIO_DIMENSIONS:
            ScenarioCell.objects.filter(dimension=dimension, key=key).delete()
            _write_scenario(dimension, key, _series_facts(dimension, key))
    return written


def refresh_quarter(dimension: str, key: str, quarter: str) -> int:
    """Rewrite one quarter's cell of a series (and its scenario steps), then the departments
    to date and since of its other quarters and its all-quarters cell: what an approval in
    that quarter changes, at the cost of one quarter's facts and one index-only query."""
    facts = _series_facts(dimension, key).filter(quarter=quarter)
    now = timezone.now()
    with transaction.atomic():
        _lock_series(dimension, key)
        row = facts.aggregate(**_sums())
        TransparencyCell.objects.filter(dimension=dimension, key=key, quarter=quarter).delete()
        if row["awards"]:
            _quarter_cell(dimension, key, quarter, row, now).save()
        written = _finish_series(dimension, key, now)
        if dimension in national.SCENARIO_DIMENSIONS:
            ScenarioCell.objects.filter(dimension=dimension, key=key, quarter=quarter).delete()
            _write_scenario(dimension, key, facts)
    return written


def _write_scenario(dimension: str, key: str, facts: QuerySet[AwardFact]) -> None:
    """Awards a premium of p % would have moved: by quarter and by the smallest whole percent
    that moves each (a premium of p % moves an award iff its premium ≤ p, so whole steps are
    exact for whole-percent scenarios); premiums above the scale's top are left out."""
    steps = (
        facts.filter(shift_premium_pct__isnull=False, shift_premium_pct__lte=national.PREMIUM_MAX)
        .order_by()
        .annotate(step=Ceil("shift_premium_pct"))
        .values("quarter", "step")
        .annotate(awards=Count("id"), inferences=Sum("inferences"), extra=Sum("shift_extra_inr"))
    )
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
    """Record an approved award's fact and rewrite its quarter's cells in the series it counts
    in (with their departments to date and since, and all quarters)."""
    decision = Decision.objects.select_related("department", "comparison").get(pk=decision_id)
    with transaction.atomic():
        planning = supersede_planning(decision)
        fact = award_fact_record(decision)
    if fact is None:
        return 0
    written = sum(
        refresh_quarter(dimension, key, fact.quarter) for dimension, key in series_of(fact)
    )
    if planning is not None:
        written += sum(
            refresh_quarter(dimension, key, planning.quarter)
            for dimension, key in series_of(planning)
        )
    for quarter in national.quarters_between(fact.contract_start, timezone.localdate()):
        refresh_usage(quarter)
    return written


def usage_refresh(quarters: Iterable[str]) -> None:
    for quarter in sorted(set(quarters)):
        refresh_usage(quarter)


def rebuild(today: dt.date | None = None) -> dict[str, int]:
    """Record every missing award fact, then rewrite every series, scenario and usage cell
    (each dimension's quarter cells from one grouped query)."""
    today = today or timezone.localdate()
    recorded = 0
    for decision in facts_missing().select_related("department", "comparison").iterator():
        recorded += award_fact_record(decision) is not None
    grouped: dict[tuple[str, str], dict[str, dict[str, Any]]] = {(national.NATIONAL, ""): {}}
    for row in AwardFact.objects.order_by().values("quarter").annotate(**_sums()):
        grouped[national.NATIONAL, ""][row["quarter"]] = dict(row)
    for dimension in national.DIMENSIONS:
        rows = (
            AwardFact.objects.filter(restricted=False)
            .order_by()
            .values(dimension, "quarter")
            .annotate(**_sums())
        )
        for row in rows:
            grouped.setdefault((dimension, row[dimension]), {})[row["quarter"]] = dict(row)
    stale = {
        (d, k) for d, k in TransparencyCell.objects.values_list("dimension", "key").distinct()
    } - set(grouped)
    for dimension, key in stale:
        TransparencyCell.objects.filter(dimension=dimension, key=key).delete()
        ScenarioCell.objects.filter(dimension=dimension, key=key).delete()
    cells = sum(_write_series(dimension, key, rows) for (dimension, key), rows in grouped.items())
    first = AwardFact.objects.filter(decision__isnull=False).aggregate(first=Min("contract_start"))
    quarters = set(UsageReport.objects.values_list("quarter", flat=True).distinct())
    if first["first"] is not None:
        quarters |= set(national.quarters_between(first["first"], today))
    UsageCell.objects.exclude(quarter__in=quarters).delete()
    usage_refresh(quarters)
    return {
        "facts recorded": recorded,
        "series": len(grouped),
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
