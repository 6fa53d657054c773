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
