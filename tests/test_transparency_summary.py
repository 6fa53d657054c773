"""The dashboard's summary: only approved awards count, the sums are the awards' own, and
restricted awards never appear below the national level."""

from __future__ import annotations

from decimal import Decimal

import pytest

from procurement import national, summary
from procurement.models import AwardFact, Decision, TransparencyCell

pytestmark = pytest.mark.django_db


def refresh_all(*decisions):
    for decision in decisions:
        summary.award_refresh(decision.pk)


def test_totals_are_the_sum_of_approved_awards_only(award_factory):
    approved = [
        award_factory("health", sector="health"),
        award_factory("revenue", sector="finance", requests_per_day=80_000),
        award_factory("schools", sector="education", body_type="school"),
        award_factory("health", sector="health", term_years=2),
    ]
    returned = award_factory("courts", sector="justice", status="returned")
    proposed = award_factory("farms", sector="agriculture", status="proposed")
    refresh_all(*approved, returned, proposed)
    summary.rebuild()

    facts = list(AwardFact.objects.all())
    assert sorted(f.decision_id for f in facts) == sorted(d.pk for d in approved)
    whole = TransparencyCell.objects.get(dimension="national", key="", quarter="")
    assert whole.awards == 4 and whole.departments == 3
    expected = Decimal(0)
    for decision in approved:
        offer = summary.selectors.comparison_results(decision.comparison).offer(decision.offer_id)
        expected += offer.tco.nominal_total_inr
    assert national._nominal(whole) == expected
    assert national._total(whole) == sum(f.inferences for f in facts)
    assert national.headline().share_pct is not None


def test_restricted_awards_count_nationally_and_nowhere_else(award_factory):
    decisions = [
        award_factory(
            "army",
            sector="defence_security",
            body_type="central_ministry",
            ministry="Ministry of Defence (demo)",
        ),
        award_factory("health", sector="health"),
        award_factory("revenue", sector="finance"),
        award_factory("schools", sector="education", body_type="school"),
    ]
    assert decisions[0].restricted is True and decisions[1].restricted is False
    refresh_all(*decisions)
    whole = TransparencyCell.objects.get(dimension="national", key="", quarter="")
    assert whole.awards == 4
    below = TransparencyCell.objects.exclude(dimension="national")
    assert not below.filter(key__in=["defence_security", "Ministry of Defence (demo)"]).exists()
    assert sum(c.awards for c in below.filter(dimension="sector", quarter="")) == 3


def test_an_approval_hands_the_refresh_to_celery_after_commit(
    award_factory, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(summary, "_send", lambda task, *args: sent.append((task, args)))
    with django_capture_on_commit_callbacks(execute=True):
        decision = award_factory("health", sector="health")
    assert Decision.objects.get(pk=decision.pk).status == "approved"
    assert (summary.AWARD_TASK, (decision.pk,)) in sent


def test_use_reported_by_fewer_than_three_departments_is_suppressed_in_its_columns():
    import datetime as dt

    from django.utils import timezone

    from procurement import exports
    from procurement.models import UsageCell

    UsageCell.objects.create(
        quarter="2026-Q1",
        contracts_in_force=9,
        contracts_reported=2,
        departments=2,
        departments_in_force=4,
        projected_requests=123_456_789,
        actual_requests=98_765_432,
        actual_tokens=1,
        invoiced_inr=Decimal("4321.09"),
        refreshed_at=timezone.now(),
    )
    figure = national.usage(today=dt.date(2026, 11, 28))
    (row,) = figure.rows
    assert (row["contracts_in_force"], row["contracts_not_reported"]) == (9, 7)
    assert row["actual_requests"] is None and "actual_requests" in row["suppressed_columns"]
    text = exports.figure_csv(figure).decode("utf-8-sig")
    assert "98765432" not in text and "4321.09" not in text
    assert text.splitlines()[-1].endswith("suppressed,suppressed,suppressed,suppressed,suppressed")
