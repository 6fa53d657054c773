"""Builders for tests of tenders and bids: an approved planning decision of department A, its
tender, a bid for one of its surveyed offers, and a clock past the opening time; for the
technical stage, committee members, a pack with QCBS criteria, a checklist and mark sheets."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

from django.utils import timezone

from procurement import selectors, services, tendering
from procurement.engine.codec import to_jsonable

# What no one may see before the bids are opened: the bidder's name and its price.
SEALED_BIDDER = "Sealed Bidder Marker Pvt Ltd"
SEALED_PRICE = Decimal("987.6543")


def approved_decision(officer: Any, approver: Any, comparison: Any) -> Any:
    decision = services.decision_propose(
        user=officer, comparison=comparison, offer_id=comparison.recommended_offer_id
    )
    return services.decision_approve(user=approver, decision=decision)


def tender_values(**overrides: Any) -> tendering.TenderValues:
    now = timezone.now()
    fields: dict[str, Any] = {
        "reference": "DOH/IT/2026/17",
        "title": "Citizen helpdesk inference",
        "bid_deadline": now + dt.timedelta(days=22),
        "opening_at": now + dt.timedelta(days=22, hours=1),
        "benchmark_description": "400 helpdesk questions in Hindi and English.",
        "benchmark_rubric": "Exact match against reference answers.",
        "pass_mark": Decimal("70"),
        "price_basis": "per_request",
        "reference_tokeniser": "",
        "bid_security": "declaration",
        "emd_pct": None,
        "performance_security_pct": Decimal("5"),
        "integrity_pact": False,
        "price_revision_cap_pct": Decimal("5"),
    }
    return tendering.TenderValues(**(fields | overrides))


def offer_terms(comparison: Any, price: Decimal = SEALED_PRICE) -> dict[str, Any]:
    """A surveyed serverless offer of ``comparison`` at ``price`` rupees per million tokens."""
    offer = next(
        o for o in selectors.comparison_inputs(comparison).offers if o.pricing_mode == "serverless"
    )
    terms = to_jsonable(offer, normalise=True)
    assert isinstance(terms, dict)
    terms["price"] = {
        **terms["price"],
        "currency": "INR",
        "input_per_mtok": str(price),
        "output_per_mtok": str(price),
        "cached_input_per_mtok": None,
    }
    return terms


def bid_values(comparison: Any, **overrides: Any) -> tendering.BidValues:
    fields: dict[str, Any] = {
        "bidder_name": SEALED_BIDDER,
        "provider": None,
        "offer": offer_terms(comparison),
        "local_content_pct": Decimal("62.5"),
        "local_content_certificate": "self",
        "local_content_location": "Pune, Maharashtra",
        "mse": False,
        "udyam_number": "",
        "startup": False,
        "received_at": timezone.now(),
    }
    return tendering.BidValues(**(fields | overrides))


@contextmanager
def clock_at(moment: dt.datetime):
    """Django's clock at ``moment`` (``timezone.now`` and every auto_now_add)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


# The technical stage: a committee, a pack whose QCBS criteria the committee marks, an opening.

# Three criteria adding up to 100 (the shipped pack's own may differ: tests set these).
CRITERIA: list[dict[str, str]] = [
    {
        "criterion_id": "accuracy",
        "name": "Answer quality on the buyer's benchmark",
        "max_marks": "40",
        "evidence": "The benchmark run under supervision.",
        "basis": "GFR 2017 Rule 192",
    },
    {
        "criterion_id": "languages",
        "name": "Indian-language coverage",
        "max_marks": "35",
        "evidence": "Scores per language on the benchmark.",
        "basis": "The bid document's scope",
    },
    {
        "criterion_id": "operations",
        "name": "Service levels and support",
        "max_marks": "25",
        "evidence": "The service-level schedule and support plan.",
        "basis": "The bid document's service levels",
    },
]


def committee_person(username: str, department: Any) -> Any:
    """A person of ``department`` holding the tender evaluation committee role alone."""
    from procurement.roles import COMMITTEE
    from tests.conftest import make_user

    return make_user(username, department, COMMITTEE)


def pack_with_criteria(pack: Any, criteria: list[dict[str, str]] | None = None) -> Any:
    """A new published version of ``pack`` whose QCBS technical criteria are ``criteria``."""
    from procurement.models import PolicyPack

    document = json.loads(json.dumps(pack.document))
    document["evaluation"]["qcbs"]["criteria"] = CRITERIA if criteria is None else criteria
    version = PolicyPack.objects.filter(slug=pack.slug).count() + pack.version + 1
    document["version"] = version
    return PolicyPack.objects.create(
        slug=pack.slug,
        version=version,
        title=pack.title,
        status=PolicyPack.Status.PUBLISHED,
        document=document,
        effective_from=pack.effective_from,
        published_at=timezone.now(),
    )


def open_bids(officer: Any, tender: Any) -> Any:
    """The tender's bids opened by ``officer`` a minute after its opening time."""
    with clock_at(tender.opening_at + dt.timedelta(minutes=1)):
        return tendering.tender_open(user=officer, tender=tender)


def checklist(tender: Any, *, unmet: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every compliance item of ``tender`` met, except those named in ``unmet``."""
    from procurement import evaluation

    return [
        {"item": key, "met": key not in unmet, "remark": ""}
        for key, _ in evaluation.compliance_items(tender)
    ]


def marks_of(bids: list[Any], *marks: list[str]) -> dict[str, dict[str, str]]:
    """A mark sheet: for each bid, the marks of ``CRITERIA`` in order."""
    return {
        str(bid.pk): {c["criterion_id"]: m for c, m in zip(CRITERIA, row, strict=True)}
        for bid, row in zip(bids, marks, strict=True)
    }


# The financial stage: an L1 tender whose three bids qualify, the invitations to match L1 and
# their replies, the award — each step at its own time after the opening.

# L1 a Class-II bidder at 100; Class-I (a) at 110 and (b) at 115, both within the 20 % margin.
MATCHING_BIDS = (
    ("Lowest Class-II Ltd", "100", "30"),
    ("Class-I A Ltd", "110", "60"),
    ("Class-I B Ltd", "115", "70"),
)


def eligible_terms(comparison: Any, price: Decimal) -> dict[str, Any]:
    """The terms of a surveyed serverless offer of ``comparison`` that passed every rule, at
    ``price`` rupees per million tokens."""
    results = selectors.comparison_results(comparison)
    eligible = {o.offer_id for o in results.offers if o.eligible}
    offer = next(
        o
        for o in selectors.comparison_inputs(comparison).offers
        if o.offer_id in eligible and o.pricing_mode == "serverless"
    )
    terms = to_jsonable(offer, normalise=True)
    assert isinstance(terms, dict)
    terms["price"] = {
        **terms["price"],
        "currency": "INR",
        "input_per_mtok": str(price),
        "output_per_mtok": str(price),
        "cached_input_per_mtok": None,
    }
    return terms


def evaluated_tender(officer: Any, approver: Any, *, restricted: bool = False) -> Any:
    """An L1 tender of ``officer``'s department from a planning decision (``restricted`` or
    not) with the bids of ``MATCHING_BIDS``, opened, each qualified technically half an hour
    after the opening by a committee member ("carol"): (tender, bids, planning decision)."""
    from procurement import evaluation
    from tests.conftest import workload_values

    work = services.workload_create(user=officer, values=workload_values(evaluation_method="l1"))
    comparison = services.comparison_run(
        user=officer, workload=work, decision_date=timezone.localdate()
    )
    proposed = services.decision_propose(
        user=officer,
        comparison=comparison,
        offer_id=comparison.recommended_offer_id,
        restricted=restricted,
    )
    planning = services.decision_approve(user=approver, decision=proposed)
    tender = tendering.tender_create(user=officer, decision=planning, values=tender_values())
    bids = [
        tendering.bid_record(
            user=officer,
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
    member = committee_person("carol", planning.department)
    evaluation.committee_appoint(user=officer, tender=tender, member=member)
    open_bids(officer, tender)
    with clock_at(tender.opening_at + dt.timedelta(minutes=30)):
        for bid in bids:
            evaluation.technical_result_record(
                user=member, bid=bid, benchmark_score=Decimal("90"), checklist=checklist(tender)
            )
    return tender, bids, planning


def award_after_rounds(officer: Any, approver: Any, tender: Any) -> Any:
    """The financial stage of an ``evaluated_tender`` (MII Order para 3A(c)): an hour after the
    opening the bids are evaluated and Class-I A Ltd, invited to match L1, declines; a day after
    it Class-I B Ltd, invited, accepts and the award is proposed; an hour later it is approved.
    The approved award."""
    from procurement import awarding

    with clock_at(tender.opening_at + dt.timedelta(hours=1)):
        awarding.evaluation_run(user=officer, tender=tender)
        invitation = awarding.invitation_issue(user=officer, tender=tender)
        awarding.invitation_reply(
            user=officer, invitation=invitation, accepts=False, replied_on=timezone.localdate()
        )
    with clock_at(tender.opening_at + dt.timedelta(days=1)):
        invitation = awarding.invitation_issue(user=officer, tender=tender)
        awarding.invitation_reply(
            user=officer, invitation=invitation, accepts=True, replied_on=timezone.localdate()
        )
        proposed = awarding.award_propose(user=officer, tender=tender)
    with clock_at(tender.opening_at + dt.timedelta(days=1, hours=1)):
        return services.decision_approve(user=approver, decision=proposed)
