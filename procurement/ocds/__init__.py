"""Open contracting data: the product's contracting processes as OCDS 1.1.5 releases, records
and packages, and their validation against the standard's schema shipped in ``schema/``.

**The contracting process** starts at an approved planning decision: the department compared
the market (the comparison is its market survey and estimate), an officer proposed and an
approver approved. Its ``ocid`` is ``<OCDS_OCID_PREFIX>-<the decision's id>``: the publisher's
registered prefix and a number the product never reuses, so it never changes. The tender
published from that decision (``Tender.planning_decision``) belongs to the same process.

**Releases**, one per step, each dated when the step happened, oldest first:

- ``planning``, at the approval: the estimate (the comparison's estimated value, the officer's
  or the one the engine derived) as the budget, why the process exists, the market survey;
- ``planningUpdate``, when the final file note the approval queued is ready (one per such
  document): the documents so far;
- ``tender``, at the tender's publication: its period, the estimate as its value, how bids are
  judged (``awardCriteria`` from the comparison's evaluation method), status ``active``;
- ``tenderUpdate``, at the opening of the bids: status ``complete`` and how many bids were
  opened. Nothing of a bid — a bidder, a figure — is read for it or any release before it: the
  count comes from the opening's own record;
- ``award``, at the approval of the tender's award (a decision on one of its evaluations): the
  awarded bidder as the supplier, the award's value — the nominal total cost of ownership over
  the whole term, taxes included, at the price the buyer pays (L1's when a Class-I bidder
  matched it; another eligible bid's own when the award departs from the evaluation's, with a
  reason) — and every bidder as a tenderer; the tender's ``awardCriteriaDetails`` say in words
  how each invitation to match L1 (Make in India, MSE) was answered. The bidders are named here
  first, once the award is approved, and no price but the award's;
- ``contract``, when the contract signed with the awarded bidder is recorded: the award it
  follows, the same value, the day signed (midnight, Indian time) and the contract's period
  (the workload's start date and term, from the evaluation's snapshot).

The approval of the planning decision is not published as an award: it chose an estimate's
basis from the catalogue, not a supplier. A restricted award is left out as a restricted
planning decision is.

Releases are built from records that do not change once written (the comparison's stored
results, the approved decision, the tender, the opening, a ready document, the bids, the replies
to invitations, the approved award and its evaluation, the contract's signing), so a release's
content stays what it was when first published; only the department's name is read as it is
now. A **restricted** decision (kept to the national totals) is never published: its ocid is
unknown here, as a missing one is. The buyer is identified in the product's own register of
departments (scheme ``IN-DEPT``, the department's slug): no public register of Indian
government departments is listed by org-id.guide.

Money is ``Decimal`` here; OCDS amounts are JSON numbers, so whoever writes these packages
as JSON writes each Decimal as the exact number it is (``procurement.api.ocds``).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, TypeGuard

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource

from procurement import national, selectors
from procurement.engine.codec import parse_as
from procurement.engine.inputs import EvaluationMethod
from procurement.engine.numbers import format_num
from procurement.engine.results import EstimatedValue
from procurement.models import (
    Bid,
    BidOpening,
    Comparison,
    ContractSigning,
    Decision,
    Department,
    JustificationDocument,
    MatchInvitation,
    Tender,
)

VERSION = "1.1"
SCHEMA = Path(__file__).parent / "schema"
PUBLISHER = {"name": "Sovereign inference procurement"}
# The product's own register of departments: no org-id.guide list covers Indian government
# departments, so the scheme says whose identifiers these are rather than borrowing one.
PARTY_SCHEME = "IN-DEPT"
CURRENCY = "INR"
AWARD_CRITERIA = {"l1": "priceOnly", "qcbs": "ratedCriteria"}
AWARD_CRITERIA_DETAILS = {
    "l1": "The lowest price (L1) among the bids that pass the technical stage.",
    "qcbs": "Quality and cost (QCBS): the bids that pass the technical stage are ranked on "
    "their technical and financial scores combined, as the bid document weighs them.",
}
ESTIMATE = {
    "officer": "The officer's estimate of the contract's value, recorded with the market survey.",
    "derived": "The nominal total cost of ownership over the whole term, taxes included, of the "
    "cheapest offer in the market survey that meets every rule not depending on value.",
    "unknown": "No estimate: no offer in the market survey met the rules that do not depend on "
    "value.",
}

# The invitations to match L1, in words: the preference, and what a bidder that accepts agrees.
PREFERENCES = {
    MatchInvitation.Preference.MII: ("Make in India purchase preference", "to match L1"),
    MatchInvitation.Preference.MSE: (
        "MSE purchase preference",
        "to match L1 for a share of the contract",
    ),
}

# Where published_processes puts a comparison's ready final file notes; where _read_awards puts
# a tender's approved award (None when it has none), its bids and its invitations to match L1.
FINAL_NOTES = "final_notes"
AWARD = "published_award"
BIDS = "published_bids"
INVITATIONS = "published_invitations"

Release = dict[str, Any]
# A step of a process: its release's id suffix, date, tag, section and parties besides the buyer.
_Step = tuple[str, dt.datetime, str, dict[str, Any], list[dict[str, Any]]]


# The contracting processes published -------------------------------------------------------


def ocid(decision: Decision) -> str:
    """The ocid of the contracting process that starts at ``decision`` (approved, planning)."""
    return f"{settings.OCDS_OCID_PREFIX}-{decision.pk}"


def published_processes() -> QuerySet[Decision]:
    """Every published process — approved, unrestricted planning decisions — with what its
    releases read up to the opening: two queries for any number of processes (the ready final
    file notes are the second); ``releases`` and ``releases_dated`` read the awards
    (``_read_awards``). Public data, so not scoped to a user."""
    final_notes = JustificationDocument.objects.filter(
        kind=JustificationDocument.Kind.FILE_NOTE,
        final=True,
        status=JustificationDocument.Status.READY,
        finished_at__isnull=False,
    ).defer("pdf")
    return (
        # An award (a decision on a tender's evaluation) is a step of its planning decision's
        # process, never a process of its own.
        Decision.objects.filter(
            status=Decision.Status.APPROVED, restricted=False, comparison__tender__isnull=True
        )
        .select_related("department", "comparison__results", "tender__opening", "tender__contract")
        .prefetch_related(
            Prefetch(
                "comparison__documents",
                queryset=final_notes.order_by("finished_at", "pk"),
                to_attr=FINAL_NOTES,
            )
        )
        .defer("comparison__snapshot")
        .order_by("decided_at", "pk")
    )


def published_process(process: str) -> Decision:
    """The decision whose process has the ocid ``process``; Http404 for an ocid of another
    publisher, a missing decision, one not approved, a restricted one and an award (a step of
    its planning decision's process) alike."""
    number = re.fullmatch(rf"{re.escape(settings.OCDS_OCID_PREFIX)}-([1-9][0-9]{{0,17}})", process)
    decision = published_processes().filter(pk=int(number[1])).first() if number else None
    if decision is None:
        raise Http404("No such contracting process.")
    return decision


# Releases -----------------------------------------------------------------------------------


def releases(decision: Decision) -> list[Release]:
    """Every release of the process that starts at ``decision``, oldest first. A decision not
    read by ``published_processes`` is read again that way, so one not published (not
    approved, restricted, or an award) has none: Http404."""
    if not hasattr(decision.comparison, FINAL_NOTES):
        decision = published_process(ocid(decision))
    _read_awards([decision])
    return [release for _, release in _steps(decision)]


def releases_dated(first: dt.date, last: dt.date) -> list[Release]:
    """Every release of every published process dated from ``first`` to ``last`` (whole local
    days), oldest first."""
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))
    ready_note = JustificationDocument.objects.filter(
        comparison=OuterRef("comparison"),
        kind=JustificationDocument.Kind.FILE_NOTE,
        final=True,
        status=JustificationDocument.Status.READY,
        finished_at__gte=start,
        finished_at__lt=end,
    )
    award = Decision.objects.filter(
        comparison__tender__planning_decision=OuterRef("pk"),
        status=Decision.Status.APPROVED,
        restricted=False,
        decided_at__gte=start,
        decided_at__lt=end,
    )
    decisions = list(
        published_processes().filter(
            Q(decided_at__gte=start, decided_at__lt=end)
            | Q(tender__published_at__gte=start, tender__published_at__lt=end)
            | Q(tender__opening__opened_at__gte=start, tender__opening__opened_at__lt=end)
            | Q(tender__contract__recorded_at__gte=start, tender__contract__recorded_at__lt=end)
            | Exists(ready_note)
            | Exists(award)
        )
    )
    _read_awards(decisions)
    dated = [step for decision in decisions for step in _steps(decision) if start <= step[0] < end]
    return [release for _, release in sorted(dated, key=lambda step: step[0])]


@dataclass(frozen=True, slots=True)
class Survey:
    """What the releases read of the market survey's stored results. These four fields are
    parsed alone: the whole results of a large catalogue (half a megabyte) take some 50 ms to
    load typed, too much for a bulk package of many processes; and no engine changed their
    shape (``engine/legacy.py``), so no upgrade of earlier results is needed for them."""

    estimate: EstimatedValue
    evaluation_method: EvaluationMethod
    policy_pack_id: str
    policy_version: int


def _survey(comparison: Comparison) -> Survey:
    results = json.loads(comparison.results.json())
    return Survey(
        estimate=parse_as(EstimatedValue, results["estimated_value"], "results.estimated_value"),
        evaluation_method=results["evaluation_method"],
        policy_pack_id=results["policy_pack_id"],
        policy_version=results["policy_version"],
    )


def _read_awards(decisions: Sequence[Decision]) -> None:
    """Put on each opened tender of ``decisions`` its approved, unrestricted award (``AWARD``,
    None when it has none) with the evaluation it chose from and that evaluation's stored
    results; on each awarded tender its bids (``BIDS``) and its invitations to match L1 with
    their replies (``INVITATIONS``). One query for the awards and two for the awarded tenders,
    whatever their number; none when no tender is opened. A tender read already is skipped."""
    opened: dict[int, Tender] = {}
    for decision in decisions:
        tender: Tender | None = getattr(decision, "tender", None)
        if tender is not None and hasattr(tender, "opening") and not hasattr(tender, AWARD):
            opened[tender.pk] = tender
    if not opened:
        return
    awards = Decision.objects.filter(
        status=Decision.Status.APPROVED, restricted=False, comparison__tender__in=list(opened)
    ).select_related("comparison__results")
    # One approved award a tender at most (awarding.award_propose).
    found = {award.comparison.tender_id: award for award in awards}
    for pk, tender in opened.items():
        setattr(tender, AWARD, found.get(pk))
    prefetch_related_objects(
        [opened[pk] for pk in found if pk is not None],
        Prefetch(
            "bids",
            queryset=Bid.objects.only("pk", "tender_id", "bidder_name").order_by(
                "received_at", "pk"
            ),
            to_attr=BIDS,
        ),
        Prefetch(
            "invitations",
            # As selectors.invitations_of: in the order issued, with their replies.
            queryset=MatchInvitation.objects.select_related("bid", "reply")
            .defer("bid__offer")
            .order_by("issued_at", "pk"),
            to_attr=INVITATIONS,
        ),
    )


def _steps(decision: Decision) -> list[tuple[dt.datetime, Release]]:
    assert decision.decided_at is not None  # an approved decision has its date
    results = _survey(decision.comparison)
    notes: list[JustificationDocument] = getattr(decision.comparison, FINAL_NOTES)
    tender: Tender | None = getattr(decision, "tender", None)
    opening: BidOpening | None = getattr(tender, "opening", None)
    award: Decision | None = getattr(tender, AWARD, None)
    department = decision.department
    with translation.override("en"):  # the releases say "language": "en"
        steps: list[_Step] = [
            ("planning", decision.decided_at, "planning", _planning(decision, results, []), [])
        ]
        steps += [
            (
                f"planning-{note.pk}",
                note.finished_at,
                "planningUpdate",
                _planning(decision, results, notes[: i + 1]),
                [],
            )
            for i, note in enumerate(notes)
            if note.finished_at is not None
        ]
        if tender is not None:
            tendered = _tender(department, tender, results, None)
            steps.append(("tender", tender.published_at, "tender", tendered, []))
        if tender is not None and opening is not None:
            tender_update = _tender(department, tender, results, opening)
            steps.append(("tender-opening", opening.opened_at, "tenderUpdate", tender_update, []))
        if tender is not None and award is not None:
            assert award.decided_at is not None  # approved
            awarded = _awarded(tender, award)
            steps.append(
                (
                    "award",
                    award.decided_at,
                    "award",
                    _award(tender, results, awarded),
                    awarded.parties(),
                )
            )
            signing: ContractSigning | None = getattr(tender, "contract", None)
            if signing is not None and signing.award_id == award.pk:
                steps.append(
                    (
                        "contract",
                        signing.recorded_at,
                        "contract",
                        _contract(tender, awarded, signing),
                        awarded.parties(tenderers=False),
                    )
                )
    return sorted(
        (
            (
                moment,
                _release(
                    decision,
                    suffix=suffix,
                    moment=moment,
                    tag=tag,
                    section=section,
                    # From the tender's publication on, the department also runs the procedure.
                    procuring=tender is not None and moment >= tender.published_at,
                    parties=parties,
                ),
            )
            for suffix, moment, tag, section, parties in steps
        ),
        key=lambda step: step[0],
    )


def _date(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _midnight(day: dt.date) -> dt.datetime:
    """The start of ``day``, Indian time (the product's time zone)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _value(amount: Any) -> dict[str, Any]:
    return {"amount": amount, "currency": CURRENCY}


def _buyer(department: Department) -> dict[str, Any]:
    return {"id": f"{PARTY_SCHEME}-{department.slug}", "name": department.name}


def _release(
    decision: Decision,
    *,
    suffix: str,
    moment: dt.datetime,
    tag: str,
    section: dict[str, Any],
    procuring: bool,
    parties: Sequence[dict[str, Any]] = (),
) -> Release:
    process = ocid(decision)
    department = decision.department
    buyer = _buyer(department)
    party = {
        **buyer,
        "identifier": {"scheme": PARTY_SCHEME, "id": department.slug, "legalName": department.name},
        "roles": ["buyer", "procuringEntity"] if procuring else ["buyer"],
    }
    return {
        "ocid": process,
        "id": f"{process}-{suffix}",
        "date": _date(moment),
        "tag": [tag],
        "initiationType": "tender",
        "language": "en",
        "buyer": buyer,
        "parties": [party, *parties],
        **section,
    }


def _verify(what: str) -> str:
    return f"{what}; a copy can be checked at {settings.SITE_URL}/verify/."


def _planning(
    decision: Decision, results: Survey, notes: Sequence[JustificationDocument]
) -> dict[str, Any]:
    comparison = decision.comparison
    surveyed = comparison.decision_date.isoformat()
    estimate = results.estimate
    budget: dict[str, Any] = {"description": ESTIMATE[estimate.source]}
    if estimate.amount_inr is not None:
        budget["amount"] = _value(estimate.amount_inr)
    survey = {
        "id": f"comparison-{comparison.pk}",
        "documentType": "marketStudies",
        "title": f"Market survey: {comparison.offer_count} offers compared on {surveyed}",
        "description": _verify(
            "The signed snapshot of every input and result of the comparison, SHA-256 "
            f"fingerprint {comparison.fingerprint}"
        ),
        "format": "application/json",
    }
    documents = [survey] + [
        {
            "id": str(note.pk),
            "documentType": "procurementPlan",
            "title": "File note for approval (final)",
            "description": _verify(f"PDF/A, SHA-256 {note.sha256}"),
            "format": "application/pdf",
            "language": note.language,
        }
        for note in notes
    ]
    rationale = (
        f"The department compared {comparison.offer_count} offers of AI inference on {surveyed} "
        f"under policy pack {results.policy_pack_id} version {results.policy_version}; "
        f"{comparison.eligible_count} met every rule. The approved decision makes this "
        "comparison the market survey and the estimate of an open tender."
    )
    return {"planning": {"rationale": rationale, "budget": budget, "documents": documents}}


def _tender(
    department: Department,
    tender: Tender,
    results: Survey,
    opening: BidOpening | None,
) -> dict[str, Any]:
    method = results.evaluation_method
    price_basis = str(tender.get_price_basis_display())
    if tender.price_basis == Tender.PriceBasis.REFERENCE_TOKENISER:
        price_basis += f" ({tender.reference_tokeniser})"
    security = (
        f"an earnest money deposit of {format_num(tender.emd_pct)} % of the estimate, micro and "
        "small enterprises and startups exempt"
        if tender.emd_pct is not None
        else "a bid-securing declaration"
    )
    # Free text of the officer's, whatever its punctuation: one labelled line each.
    eligibility = "\n".join(
        [
            f"The buyer's benchmark (technical stage): {tender.benchmark_description}",
            f"How answers are scored: {tender.benchmark_rubric}",
            f"Pass mark: {format_num(tender.pass_mark)} out of 100.",
            f"Bid security: {security} (GFR 2017 Rule 170).",
        ]
        + (["The Integrity Pact applies."] if tender.integrity_pact else [])
    )
    section: dict[str, Any] = {
        "id": tender.reference,
        "title": tender.title,
        "status": "active" if opening is None else "complete",
        "procuringEntity": _buyer(department),
        "procurementMethod": "open",
        "procurementMethodDetails": "Open tender (GFR 2017 Rule 161) in two stages: a technical "
        "stage on the buyer's benchmark, then the prices of the bids that pass it.",
        "mainProcurementCategory": "services",
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": f"Prices quoted in {price_basis}.",
        "eligibilityCriteria": eligibility,
        "awardCriteria": AWARD_CRITERIA[method],
        "awardCriteriaDetails": AWARD_CRITERIA_DETAILS[method],
        "tenderPeriod": {
            "startDate": _date(tender.published_at),
            "endDate": _date(tender.bid_deadline),
        },
        "awardPeriod": {"startDate": _date(tender.opening_at)},
    }
    if results.estimate.amount_inr is not None:
        section["value"] = _value(results.estimate.amount_inr)
    if opening is not None:
        section["numberOfTenderers"] = opening.bids
    return {"tender": section}


def _bidder(bid: Bid) -> dict[str, Any]:
    """A bidder as an organisation: its id is the one its bid has as a provider in the tender's
    evaluations (``awarding.bid_offer``), so the award's supplier is found by it."""
    return {"id": f"bidder-{bid.pk}", "name": bid.bidder_name}


@dataclass(frozen=True, slots=True)
class Awarded:
    """What the award and contract releases read of a tender's approved award."""

    award: Decision
    id: str
    supplier: dict[str, Any]
    tenderers: list[dict[str, Any]]
    amount: Decimal | None
    # The bidder whose price the awarded bidder matched (None when it is its own price).
    matched: str | None
    rounds: str

    def parties(self, *, tenderers: bool = True) -> list[dict[str, Any]]:
        """The bidders as parties — every one a tenderer, the awarded one a supplier too — or,
        without ``tenderers``, the supplier alone."""
        roles = {self.supplier["id"]: ["tenderer", "supplier"]}
        named = self.tenderers if tenderers else [self.supplier]
        return [{**bidder, "roles": roles.get(bidder["id"], ["tenderer"])} for bidder in named]


def _awarded(tender: Tender, award: Decision) -> Awarded:
    results = selectors.comparison_results(award.comparison)
    offer = results.offer(award.offer_id)
    outcome = results.recommendation.award
    tenderers = [_bidder(bid) for bid in getattr(tender, BIDS)]
    supplier = next(
        (bidder for bidder in tenderers if bidder["id"] == offer.provider_id),
        {"id": offer.provider_id, "name": offer.provider_name},
    )
    matched = None
    if award.offer_id == outcome.offer_id:
        # The evaluation's award: at the price of the bid it names (L1's, when matched).
        amount = outcome.nominal_inr
        if outcome.price_offer_id not in (None, outcome.offer_id):
            matched = results.offer(outcome.price_offer_id).provider_name
    else:
        # Another eligible bid, chosen with a written reason: at its own price.
        amount = offer.tco.nominal_total_inr if offer.tco is not None else None
    return Awarded(
        award=award,
        id=f"award-{award.pk}",
        supplier=supplier,
        tenderers=tenderers,
        amount=amount,
        matched=matched,
        rounds=_rounds(getattr(tender, INVITATIONS), award),
    )


def _rounds(invitations: Sequence[MatchInvitation], award: Decision) -> str:
    """The invitations to match L1 answered before the award, in plain words: "Make in India
    purchase preference: A Ltd declined on 12 Dec 2026; B Ltd accepted on 14 Dec 2026 to match
    L1." — one sentence a preference, empty when none was invited."""
    assert award.decided_at is not None
    sentences = []
    for preference, (name, match) in PREFERENCES.items():
        replies = [
            (invitation.bid.bidder_name, invitation.reply)
            for invitation in invitations
            if invitation.preference == preference
            and hasattr(invitation, "reply")
            and invitation.reply.recorded_at <= award.decided_at
        ]
        if replies:
            answers = "; ".join(
                f"{bidder} {'accepted' if reply.accepts else 'declined'} on "
                f"{reply.replied_on:%d %b %Y}" + (f" {match}" if reply.accepts else "")
                for bidder, reply in replies
            )
            sentences.append(f"{name}: {answers}.")
    return " ".join(sentences)


def _award(tender: Tender, results: Survey, awarded: Awarded) -> dict[str, Any]:
    award = awarded.award
    assert award.decided_at is not None
    method = results.evaluation_method
    supplier = awarded.supplier["name"]
    price = f"at {supplier}'s price"
    if awarded.matched:
        price = f"at the price of {awarded.matched}'s bid (L1), which {supplier} matched"
    section: dict[str, Any] = {
        "id": awarded.id,
        "title": f"Award of tender {tender.reference} to {supplier}",
        "description": "The value is the nominal total cost of ownership over the whole term of "
        f"the contract, taxes included, {price}.",
        "status": "active",
        "date": _date(award.decided_at),
        "suppliers": [awarded.supplier],
    }
    if awarded.amount is not None:
        section["value"] = _value(awarded.amount)
    details = AWARD_CRITERIA_DETAILS[method]
    return {
        "tender": {
            "id": tender.reference,
            "awardCriteria": AWARD_CRITERIA[method],
            "awardCriteriaDetails": f"{details} {awarded.rounds}" if awarded.rounds else details,
            "awardPeriod": {
                "startDate": _date(tender.opening_at),
                "endDate": _date(award.decided_at),
            },
            "tenderers": awarded.tenderers,
        },
        "awards": [section],
    }


def _contract(tender: Tender, awarded: Awarded, signing: ContractSigning) -> dict[str, Any]:
    workload = selectors.comparison_inputs(awarded.award.comparison).workload
    start = workload.start_date
    end = national.add_years(start, workload.term_years)
    section: dict[str, Any] = {
        "id": signing.reference,
        "awardID": awarded.id,
        "title": f"Contract {signing.reference}: {tender.title}",
        "status": "active",
        "dateSigned": _date(_midnight(signing.signed_on)),
        "period": {
            "startDate": _date(_midnight(start)),
            # To the last second of the term's last day.
            "endDate": _date(_midnight(end) - dt.timedelta(seconds=1)),
            "durationInDays": (end - start).days,
        },
    }
    if awarded.amount is not None:
        section["value"] = _value(awarded.amount)
    return {"contracts": [section]}


# Packages and records -----------------------------------------------------------------------


def release_package(
    releases: Sequence[Release], uri: str, published_date: dt.datetime | str
) -> dict[str, Any]:
    """A release package of ``releases``, published at ``uri``; ``published_date`` is when its
    content last changed (the latest release's date for a package made on demand)."""
    published = published_date if isinstance(published_date, str) else _date(published_date)
    return {
        "uri": uri,
        "version": VERSION,
        "publisher": PUBLISHER,
        "publishedDate": published,
        "releases": list(releases),
    }


def package_uri(route: str, process: str | None = None) -> str:
    """The address of a package on this site (``SITE_URL``), whatever host a request named."""
    return settings.SITE_URL + reverse(route, kwargs={"ocid": process} if process else None)


def record(process: str) -> dict[str, Any]:
    """The record package of the process ``process``: its releases, embedded, and the compiled
    release (Http404 as ``published_process``)."""
    steps = releases(published_process(process))
    return {
        "uri": package_uri("api:ocds-record", process),
        "version": VERSION,
        "publisher": PUBLISHER,
        "publishedDate": steps[-1]["date"],
        "records": [
            {"ocid": process, "releases": steps, "compiledRelease": compiled_release(steps)}
        ],
    }


def compiled_release(steps: Sequence[Release]) -> Release:
    """The process's state after ``steps`` (oldest first), by OCDS's merge: a later value
    replaces an earlier one, objects merge field by field, and arrays of objects with ids
    merge item by item by id; ``tag`` is ``compiled`` and ``id`` the ocid and latest date."""
    compiled: Release = {}
    for release in steps:
        _merge(compiled, {key: value for key, value in release.items() if key != "tag"})
    compiled["id"] = f"{compiled['ocid']}-{compiled['date']}"
    compiled["tag"] = ["compiled"]
    return compiled


def _identified(value: Any) -> TypeGuard[list[dict[str, Any]]]:
    return isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value)


def _merge(into: dict[str, Any], new: Mapping[str, Any]) -> None:
    for key, value in new.items():
        current = into.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            _merge(current, value)
        elif value and _identified(value) and _identified(current):
            by_id = {item["id"]: item for item in current}
            for item in value:
                if item["id"] in by_id:
                    _merge(by_id[item["id"]], item)
                else:
                    by_id[item["id"]] = copy.deepcopy(item)
            into[key] = list(by_id.values())
        else:
            into[key] = copy.deepcopy(value)


# Validation ---------------------------------------------------------------------------------


@cache
def _schema(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SCHEMA / name).read_text(encoding="utf-8"))
    return document


def _record_package_schema() -> dict[str, Any]:
    """The record package's envelope: the release package's, with ``records`` (each an ocid,
    its releases embedded and its compiled release) in place of ``releases``. The standard's
    own record-package schema is not shipped; its rules for embedded releases are these."""
    package = copy.deepcopy(_schema("release-package-schema.json"))
    release = package["properties"].pop("releases")["items"]
    package["id"] = "urn:sovereign-inference-procurement:ocds:record-package"
    package["required"] = ["uri", "publisher", "publishedDate", "records", "version"]
    package["properties"]["records"] = {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["ocid", "compiledRelease"],
            "properties": {
                "ocid": {"type": "string"},
                "releases": {"type": "array", "minItems": 1, "items": release},
                "compiledRelease": release,
            },
        },
    }
    return package


def _date_time(value: object) -> bool:
    """RFC 3339: a date, "T", a time and an offset (jsonschema's own check needs a package the
    product does not install)."""
    if not isinstance(value, str):
        return True
    moment = dt.datetime.fromisoformat(value)
    return "T" in value and moment.tzinfo is not None


def _uri(value: object) -> bool:
    """An absolute URI: a scheme, a colon, no spaces."""
    return (
        not isinstance(value, str) or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:\S+$", value) is not None
    )


_formats = FormatChecker(formats=())
_formats.checks("date-time", raises=ValueError)(_date_time)
_formats.checks("uri")(_uri)


@cache
def _validators() -> tuple[Any, Any]:
    """Validators of a release package and of a record package. The release schema is known by
    its address, which the release package's ``$ref`` names; the registry answers it from the
    file shipped here and has no way to fetch anything."""
    release = _schema("release-schema.json")
    registry: Registry[Any] = Registry().with_resource(
        release["id"], Resource.from_contents(release)
    )
    return (
        Draft4Validator(
            _schema("release-package-schema.json"), registry=registry, format_checker=_formats
        ),
        Draft4Validator(_record_package_schema(), registry=registry, format_checker=_formats),
    )


def validate(package: Mapping[str, Any]) -> list[str]:
    """The OCDS 1.1.5 schema's complaints about a release or record package (a package with
    ``records`` is a record package), each "path: message"; none for a valid package."""
    releases_validator, records_validator = _validators()
    validator = records_validator if "records" in package else releases_validator
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(package)'}: {error.message}"
        for error in validator.iter_errors(package)
    ]
