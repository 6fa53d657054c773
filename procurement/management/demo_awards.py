"""The demo awards ``load_demo`` makes for the transparency dashboard, through the real services:
each demo department's officer enters a workload and compares, proposes the recommended offer,
and its approver approves it. The services date an approval today, so these awards all fall in
the current quarter; the contracts marked running started last quarter, and their departments
report what they served then (``services.usage_report``). A demo national target (50 % by
31 March 2028) is set by the demo policy authority (``platform.share_target_set``). The
quarters before this one get a small synthetic history (``ensure_history``: demo departments and
award facts of ``seed_scale``'s kind, with no decision), so the trend has several quarters.
Idempotent: a workload already entered under its title is left as it is, and a history made
is kept."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.utils import timezone

from procurement import national, platform, services
from procurement.management.synthetic import (
    SLUG_PREFIX,
    Synthesiser,
    department_spread,
)
from procurement.models import (
    AwardFact,
    Decision,
    Department,
    ShareTarget,
    UsageReport,
    Workload,
)
from procurement.workload_fields import values_from

LATER = dt.date(2027, 4, 1)
HISTORY_DEPARTMENTS = 30
HISTORY_AWARDS = 360
HISTORY_SEED = 2024
TARGET_NOTE = (
    "Demo target, not a decision of any authority: it shows where the platform's policy "
    "authority records the national goal and the order that set it."
)


class DemoAward(NamedTuple):
    department: str
    title: str
    use_case: str
    classification: str
    per_day: int
    tokens_in: int
    tokens_out: int
    term: int
    running: bool = False  # started last quarter and reported its use


AWARDS = (
    DemoAward("demo-health", "Hospital discharge summaries", "health", "personal",
              40_000, 900, 350, 3, running=True),
    DemoAward("demo-hospital", "Radiology report drafting", "health", "internal",
              6_000, 1_500, 600, 2, running=True),
    DemoAward("demo-state-health", "Vaccination helpline", "health", "public",
              25_000, 500, 250, 3),
    DemoAward("demo-revenue", "Taxpayer helpdesk", "citizen_services", "internal",
              60_000, 800, 300, 3, running=True),
    DemoAward("demo-bank", "Branch customer queries", "citizen_services", "public",
              20_000, 600, 300, 2),
    DemoAward("demo-insurer", "Policyholder helpline", "citizen_services", "internal",
              15_000, 700, 200, 3),
    DemoAward("demo-university", "Course material translation", "education", "public",
              12_000, 1_000, 1_000, 2, running=True),
    DemoAward("demo-school", "Lesson plan assistant", "education", "public",
              8_000, 600, 800, 1),
    DemoAward("demo-skills", "Skills counselling", "education", "internal",
              10_000, 500, 400, 3),
    DemoAward("demo-state", "Grievance triage", "citizen_services", "public",
              30_000, 700, 250, 3),
)  # fmt: skip


def count() -> int:
    return Decision.objects.filter(
        status=Decision.Status.APPROVED, department__slug__in=[a.department for a in AWARDS]
    ).count()


def ensure(departments: dict[str, Department]) -> int:
    """Make the demo awards that are missing; the number made."""
    users = get_user_model().objects
    today = timezone.localdate()
    last_quarter = national.previous_quarter(national.quarter_of(today))
    running_since = national.quarter_bounds(last_quarter)[0]
    made = 0
    for award in AWARDS:
        department = departments[award.department]
        if Workload.objects.filter(department=department, title=award.title).exists():
            continue
        short = award.department.removeprefix("demo-")
        officer = users.get(username=f"{short}-officer")
        approver = users.get(username=f"{short}-approver")
        workload = services.workload_create(
            user=officer,
            values=values_from(
                {
                    "title": award.title,
                    "description": "A demo workload (invented).",
                    "use_case": award.use_case,
                    "languages": ["en", "hi"],
                    "requests_per_day": award.per_day,
                    "mean_input_tokens": award.tokens_in,
                    "mean_output_tokens": award.tokens_out,
                    "term_years": award.term,
                    "start_date": running_since if award.running else LATER,
                    "data_classification": [award.classification],
                }
            ),
        )
        comparison = services.comparison_run(user=officer, workload=workload)
        proposal = services.decision_propose(
            user=officer,
            comparison=comparison,
            offer_id=comparison.recommended_offer_id,
            reason="",
        )
        decision = services.decision_approve(user=approver, decision=proposal)
        made += 1
        if award.running:
            _report_use(decision, officer, award, last_quarter)
    _ensure_target()
    return made


def _report_use(decision: Decision, officer: Any, award: DemoAward, quarter: str) -> None:
    """What a running contract served last quarter: 85 % of its projection (demo)."""
    start, end = national.quarter_bounds(quarter)
    requests = award.per_day * (end - start).days * 85 // 100
    services.usage_report(
        user=officer,
        decision=decision,
        quarter=quarter,
        requests=requests,
        input_tokens=requests * award.tokens_in,
        output_tokens=requests * award.tokens_out,
        invoiced_inr=(Decimal(requests) * Decimal("0.12")).quantize(Decimal("0.01")),
        note="Demo report (invented figures).",
        source=UsageReport.Source.API,
    )


def _ensure_target() -> None:
    if ShareTarget.objects.exists():
        return
    platform.share_target_set(
        user=get_user_model().objects.get(username="platform-policy-1"),
        target_pct=Decimal(50),
        by_date=dt.date(2028, 3, 31),
        source_note=TARGET_NOTE,
        is_demo=True,
    )


def ensure_history(today: dt.date) -> int:
    """Synthetic demo awards in the quarters before today's (once); the number made."""
    if Department.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        return 0
    rng = random.Random(HISTORY_SEED)
    Department.objects.bulk_create(
        Department(is_demo=True, **made) for made in department_spread(HISTORY_DEPARTMENTS, rng)
    )
    departments = list(Department.objects.filter(slug__startswith=SLUG_PREFIX).order_by("slug"))
    last_quarter_ends = national.quarter_bounds(national.quarter_of(today))[0] - dt.timedelta(1)
    synthesiser = Synthesiser(departments, last_quarter_ends, HISTORY_SEED)
    facts = synthesiser.facts(synthesiser.quarters_of(HISTORY_AWARDS))
    AwardFact.objects.bulk_create(facts, batch_size=500)
    return len(facts)
