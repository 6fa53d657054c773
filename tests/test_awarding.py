"""The financial stage of a tender: the engine evaluates the technically qualified bids; the
officer issues the invitations to match L1 in the order the engine's rounds give and records
each reply with its date; the award is proposed by an officer and approved by another person;
its approval takes the planning decision's place in the transparency figures."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procurement import awarding, evaluation, selectors, services, summary, tendering
from procurement.documents.evaluation_report import evaluation_report_view
from procurement.models import AwardFact, Decision, MatchInvitation
from tests.conftest import workload_values
from tests.tenders import (
    MATCHING_BIDS,
    approved_decision,
    bid_values,
    checklist,
    committee_person,
    eligible_terms,
    open_bids,
    tender_values,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(alice, bob, departments, demo_catalogue):
    """An L1 tender of department A with three bids, opened, each qualified technically."""
    work = services.workload_create(user=alice, values=workload_values(evaluation_method="l1"))
    comparison = services.comparison_run(
        user=alice, workload=work, decision_date=timezone.localdate()
    )
    planning = approved_decision(alice, bob, comparison)
    summary.award_refresh(planning.pk)
    tender = tendering.tender_create(user=alice, decision=planning, values=tender_values())
    bids = [
        tendering.bid_record(
            user=alice,
            tender=tender,
            values=bid_values(
                comparison,
                bidder_name=name,
                offer=eligible_terms(comparison, Decimal(price)),
                local_content_pct=Decimal(lc),
            ),
        )
        for name, price, lc in MATCHING_BIDS
    ]
    member = committee_person("carol", departments[0])
    evaluation.committee_appoint(user=alice, tender=tender, member=member)
    open_bids(alice, tender)
    for bid in bids:
        evaluation.technical_result_record(
            user=member, bid=bid, benchmark_score=Decimal("90"), checklist=checklist(tender)
        )
    return tender, bids, planning


def test_the_rounds_run_on_the_bidders_replies_and_the_award_follows(alice, bob, evaluated):
    """MII Order para 3A(c)(ii)-(iii), with real replies: L1 (Class-II, 100) is not Class-I;
    Class-I(a) at 110 is invited first and declines; Class-I(b) at 115 is invited next and
    accepts: it takes the whole contract at L1's price."""
    tender, bids, planning = evaluated
    first = awarding.evaluation_run(user=alice, tender=tender)
    assert first.tender_id == tender.pk and first.offer_count == 3
    due = awarding.due_invitation(tender, first)
    assert due is not None and (due.bid, due.preference, due.round) == (
        bids[1],
        "mii_match_l1",
        1,
    )
    with pytest.raises(ValidationError, match="Finish the invitations"):
        awarding.award_propose(user=alice, tender=tender)

    invitation = awarding.invitation_issue(user=alice, tender=tender)
    assert invitation.bid == bids[1]
    with pytest.raises(ValidationError, match="Class-I A Ltd's reply"):
        awarding.invitation_issue(user=alice, tender=tender)
    today = timezone.localdate()
    second = awarding.invitation_reply(
        user=alice, invitation=invitation, accepts=False, replied_on=today
    )
    due = awarding.due_invitation(tender, second)
    assert due is not None and (due.bid, due.round) == (bids[2], 2)

    invitation = awarding.invitation_issue(user=alice, tender=tender)
    third = awarding.invitation_reply(
        user=alice, invitation=invitation, accepts=True, replied_on=today
    )
    assert awarding.due_invitation(tender, third) is None
    results = selectors.comparison_results(third)
    mii = next(p for p in results.preferences if p.kind == "mii_match_l1")
    assert [(r.offer_id, r.accepted, r.answer) for r in mii.match_rounds] == [
        (awarding.offer_id_of(bids[1]), False, "stated"),
        (awarding.offer_id_of(bids[2]), True, "stated"),
    ]
    award = results.recommendation.award
    assert award.offer_id == awarding.offer_id_of(bids[2])
    assert award.price_offer_id == awarding.offer_id_of(bids[0])

    decision = awarding.award_propose(user=alice, tender=tender)
    assert decision.comparison == third and decision.offer_name.startswith("Class-I B Ltd")
    with pytest.raises(PermissionDenied):
        services.decision_approve(user=alice, decision=decision)
    approved = services.decision_approve(user=bob, decision=decision)
    summary.award_refresh(approved.pk)
    # The award takes the planning decision's place in the figures.
    assert AwardFact.objects.filter(decision=approved).exists()
    assert not AwardFact.objects.filter(decision=planning).exists()
    assert not summary.facts_missing().filter(pk=planning.pk).exists()
    assert list(selectors.award_list(alice)) == [approved]  # no longer the planning decision

    signing = awarding.contract_sign(
        user=alice, tender=tender, reference="DOH/IT/2026/17/C1", signed_on=today
    )
    assert signing.award == approved
    with pytest.raises(ValidationError, match="already"):
        awarding.contract_sign(user=alice, tender=tender, reference="again", signed_on=today)


def test_a_reply_is_dated_on_or_after_its_invitation_and_not_in_the_future(alice, evaluated):
    tender, _, _ = evaluated
    awarding.evaluation_run(user=alice, tender=tender)
    invitation = awarding.invitation_issue(user=alice, tender=tender)
    today = timezone.localdate()
    for day, words in (
        (today - dt.timedelta(days=1), "issued on"),
        (today + dt.timedelta(days=1), "once received"),
    ):
        with pytest.raises(ValidationError, match=words) as caught:
            awarding.invitation_reply(
                user=alice, invitation=invitation, accepts=True, replied_on=day
            )
        assert "replied_on" in caught.value.message_dict
    assert not MatchInvitation.objects.filter(reply__isnull=False).exists()


def test_only_an_officer_of_the_department_runs_the_financial_stage(alice, bob, charlie, evaluated):
    """The approver approves, never evaluates, invites or proposes; an officer of another
    department does none of it."""
    tender, _, _ = evaluated
    for person in (bob, charlie):
        with pytest.raises(PermissionDenied):
            awarding.evaluation_run(user=person, tender=tender)
    awarding.evaluation_run(user=alice, tender=tender)
    for person in (bob, charlie):
        with pytest.raises(PermissionDenied):
            awarding.invitation_issue(user=person, tender=tender)
        with pytest.raises(PermissionDenied):
            awarding.award_propose(user=person, tender=tender)
    assert not Decision.objects.filter(comparison__tender=tender).exists()


def test_no_evaluation_before_every_technical_result(alice, bob, departments, demo_catalogue):
    work = services.workload_create(user=alice, values=workload_values(evaluation_method="l1"))
    comparison = services.comparison_run(
        user=alice, workload=work, decision_date=timezone.localdate()
    )
    tender = tendering.tender_create(
        user=alice, decision=approved_decision(alice, bob, comparison), values=tender_values()
    )
    with pytest.raises(ValidationError, match="not opened"):
        awarding.evaluation_run(user=alice, tender=tender)
    tendering.bid_record(user=alice, tender=tender, values=bid_values(comparison))
    open_bids(alice, tender)
    with pytest.raises(ValidationError, match="technical result of every bid"):
        awarding.evaluation_run(user=alice, tender=tender)


def _page(client: Client, tender: Any) -> str:
    response = client.get(reverse("tender_detail", args=[tender.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_officer_walks_the_financial_stage_on_the_tenders_page(alice, bob, charlie, evaluated):
    """Evaluate, invite, record each reply with its date, propose; another person approves on
    the decision's page; the contract is recorded. The page names bidders and rupees, never an
    offer's internal id."""
    tender, bids, _ = evaluated
    officer, approver, outsider = Client(), Client(), Client()
    officer.force_login(alice)
    approver.force_login(bob)
    outsider.force_login(charlie)
    page = _page(officer, tender)
    assert "Evaluate the qualified bids" in page
    officer.post(reverse("tender_evaluate", args=[tender.pk]))
    page = _page(officer, tender)
    assert "Issue the invitation to Class-I A Ltd" in page
    assert not re.search(r"bid-\d", page.split('id="financial"')[1].split("</section>")[0])
    assert "Evaluate the qualified bids" not in _page(approver, tender)
    assert outsider.get(reverse("tender_detail", args=[tender.pk])).status_code == 404
    assert outsider.post(reverse("invitation_issue", args=[tender.pk])).status_code == 404
    assert approver.post(reverse("invitation_issue", args=[tender.pk])).status_code in (302, 403)
    assert not MatchInvitation.objects.exists()

    today = timezone.localdate()
    for accepts in ("declines", "accepts"):
        officer.post(reverse("invitation_issue", args=[tender.pk]))
        invitation = MatchInvitation.objects.get(reply__isnull=True)
        bad = officer.post(
            reverse("invitation_reply", args=[tender.pk, invitation.pk]),
            {"answer": accepts, "replied_on": (today + dt.timedelta(days=3)).isoformat()},
        )
        assert bad.status_code == 302
        assert not MatchInvitation.objects.filter(reply__isnull=False, pk=invitation.pk).exists()
        officer.post(
            reverse("invitation_reply", args=[tender.pk, invitation.pk]),
            {"answer": accepts, "replied_on": today.isoformat()},
        )
    page = _page(officer, tender)
    assert "Declined" in page and "Accepted" in page
    assert "The evaluation awards the contract to <strong>Class-I B Ltd</strong>" in page
    # The page shows the evaluation report's own lines: what the PDF prints.
    report = evaluation_report_view(tender)
    for line in report.financial:
        assert line.evaluated_cost in page and line.nominal_total in page
    for r in report.rounds:
        assert r.replied_on in page
    response = officer.post(
        reverse("award_propose", args=[tender.pk]),
        {"offer_id": awarding.offer_id_of(bids[2]), "reason": ""},
    )
    award = Decision.objects.get(comparison__tender=tender)
    assert response.url == reverse("decision_detail", args=[award.pk])
    decision_page = approver.get(response.url)
    assert decision_page.status_code == 200
    assert "Class-I B Ltd" in decision_page.content.decode()
    assert not re.search(r"bid-\d", decision_page.content.decode())
    approver.post(reverse("decision_approve", args=[award.pk]), {"note": ""})
    award.refresh_from_db()
    assert award.status == Decision.Status.APPROVED
    officer.post(
        reverse("contract_sign", args=[tender.pk]),
        {"reference": "DOH/IT/2026/17/C1", "signed_on": today.isoformat()},
    )
    assert "Contract DOH/IT/2026/17/C1 signed on" in _page(approver, tender)
