"""From an approved planning decision to the bids opened: the tender, the bids received before
its deadline, and their opening.

A **tender** is published from a department's approved planning decision (the comparison is
its market survey and estimate; GFR 2017 Rule 173: the award follows the evaluation of bids
under the bid document, never the catalogue): its dates, the buyer-run benchmark and its pass
mark for the technical stage, how prices are quoted so that bids compare (per 1,000 requests at
the reference workload, or per million tokens of a named reference tokeniser: token counts
differ between models), the bid security (a bid-securing declaration, or EMD of 2–5 %, GFR Rule
170(i); MSEs and startups exempt), the performance security (3–5 %, Rule 171) and whether the
Integrity Pact applies.

A **bid** is recorded before the deadline: the bidder, its offer's terms in the engine's offer
format (the same fields as a catalogue offer), its local content with the certificate and where
the value is added (Make in India order, para 9), its MSE (Udyam) and startup status. Bids are
**sealed** until the opening: before it, no page, API answer or audit event shows a bid's
figures or its bidder — only how many bids arrived and when (``selectors.sealed_bids``). The
**opening**, at or after the opening time, records the SHA-256 of the bids as opened; an event
on the department's chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from procurement import engine, labels
from procurement.audit import audit_record
from procurement.documents.jobs import document_enqueue
from procurement.engine.codec import parse_as, to_jsonable
from procurement.engine.errors import EngineValidationError
from procurement.engine.validation import validate_offer
from procurement.models import (
    Bid,
    BidOpening,
    Comparison,
    Decision,
    Department,
    JustificationDocument,
    Tender,
)
from procurement.selectors import (
    User,
    award_decision_of,
    last_reported_step,
    latest_evaluation,
    require_role,
)
from providers.models import Provider

CONFLICT = "conflict"
# The shortest time bidders get between publication and the deadline (a domestic open tender
# on the CPPP: GFR 2017 Rule 161(iii), three weeks).
MIN_BID_DAYS = 21


def _own(department: Department, tender: Tender) -> None:
    if tender.department_id != department.pk:
        raise PermissionDenied(_("Not your department's tender."))


def _text(errors: dict[str, Any], name: str, value: str, limit: int) -> str:
    value = value.strip()
    if not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("Keep it to %(limit)s characters.") % {"limit": f"{limit:,}"}
    return value


# Tenders ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TenderValues:
    reference: str
    title: str
    bid_deadline: dt.datetime
    opening_at: dt.datetime
    benchmark_description: str
    benchmark_rubric: str
    pass_mark: Decimal
    price_basis: str
    reference_tokeniser: str
    bid_security: str
    emd_pct: Decimal | None
    performance_security_pct: Decimal
    integrity_pact: bool
    price_revision_cap_pct: Decimal


def _tender_errors(values: TenderValues, now: dt.datetime) -> dict[str, Any]:
    """Each field's problem; those that hold between fields or against today are conflicts (a
    409 in the API, whose schema states what each field alone may be)."""
    errors: dict[str, Any] = {}
    _text(errors, "reference", values.reference, 120)
    _text(errors, "title", values.title, 300)
    _text(errors, "benchmark_description", values.benchmark_description, 4000)
    _text(errors, "benchmark_rubric", values.benchmark_rubric, 4000)

    def conflict(name: str, message: str) -> None:
        errors[name] = ValidationError(message, code=CONFLICT)

    if values.bid_deadline - now < dt.timedelta(days=MIN_BID_DAYS):
        conflict(
            "bid_deadline",
            _("Give bidders at least %(days)s days from today (GFR 2017 Rule 161(iii)).")
            % {"days": MIN_BID_DAYS},
        )
    if values.opening_at < values.bid_deadline:
        conflict("opening_at", _("The bids are opened at or after the deadline."))
    elif values.opening_at - values.bid_deadline > dt.timedelta(days=7):
        conflict("opening_at", _("Open the bids within a week of the deadline."))
    if not Decimal(0) <= values.pass_mark <= Decimal(100):
        errors["pass_mark"] = _("Give the pass mark from 0 to 100.")
    if values.price_basis not in Tender.PriceBasis.values:
        errors["price_basis"] = _("Choose how prices are quoted.")
    elif values.price_basis == Tender.PriceBasis.REFERENCE_TOKENISER and not (
        values.reference_tokeniser.strip()
    ):
        conflict("reference_tokeniser", _("Name the reference tokeniser prices are counted by."))
    if values.bid_security not in Tender.BidSecurity.values:
        errors["bid_security"] = _("Choose the bid security.")
    elif values.bid_security == Tender.BidSecurity.EMD and not (
        values.emd_pct is not None and Decimal(2) <= values.emd_pct <= Decimal(5)
    ):
        conflict(
            "emd_pct",
            _("EMD is %(low)s %% to %(high)s %% of the estimate (GFR 2017 Rule 170(i)).")
            % {"low": 2, "high": 5},
        )
    if not Decimal(3) <= values.performance_security_pct <= Decimal(5):
        errors["performance_security_pct"] = _(
            "Performance security is %(low)s %% to %(high)s %% of the contract value (GFR 2017 "
            "Rule 171)."
        ) % {"low": 3, "high": 5}
    if not Decimal(0) <= values.price_revision_cap_pct <= Decimal(25):
        errors["price_revision_cap_pct"] = _(
            "Cap a yearly price revision at %(low)s %% to %(high)s %%."
        ) % {"low": 0, "high": 25}
    return errors


def technical_criteria(department: Department) -> list[dict[str, str]]:
    """The QCBS technical criteria of the department's adopted pack, as a tender keeps them
    (``max_marks`` a decimal string); none when it has adopted no pack or its pack has none."""
    pack = department.adopted_pack
    if pack is None:
        return []
    criteria = engine.load_policy(pack.document).evaluation.qcbs.criteria
    return [
        {
            "criterion_id": criterion.criterion_id,
            "name": criterion.name,
            "max_marks": f"{criterion.max_marks}",
            "evidence": criterion.evidence,
            "basis": criterion.basis,
        }
        for criterion in criteria
    ]


@transaction.atomic
def tender_create(
    *, user: User, decision: Decision, values: TenderValues, is_demo: bool = False
) -> Tender:
    """An officer publishes the tender of their department's approved planning decision."""
    department, person = require_role(user, "procurement.add_tender")
    if decision.department_id != department.pk:
        raise PermissionDenied(_("Not your department's decision."))
    Decision.objects.select_for_update().filter(pk=decision.pk).values_list("pk").get()
    if decision.status != Decision.Status.APPROVED:
        raise ValidationError(
            _("A tender is published from an approved planning decision."), code=CONFLICT
        )
    if Tender.objects.filter(planning_decision=decision).exists():
        raise ValidationError(_("This decision has its tender already."), code=CONFLICT)
    errors = _tender_errors(values, timezone.now())
    if errors:
        raise ValidationError(errors)
    tender = Tender.objects.create(
        department=department,
        planning_decision=decision,
        reference=values.reference.strip(),
        title=values.title.strip(),
        bid_deadline=values.bid_deadline,
        opening_at=values.opening_at,
        benchmark_description=values.benchmark_description.strip(),
        benchmark_rubric=values.benchmark_rubric.strip(),
        pass_mark=values.pass_mark,
        price_basis=values.price_basis,
        reference_tokeniser=values.reference_tokeniser.strip(),
        bid_security=values.bid_security,
        emd_pct=values.emd_pct if values.bid_security == Tender.BidSecurity.EMD else None,
        performance_security_pct=values.performance_security_pct,
        integrity_pact=values.integrity_pact,
        price_revision_cap_pct=values.price_revision_cap_pct,
        # The criteria the committee marks under QCBS, as the department's pack has them today:
        # kept with the tender, so a later pack version changes no tender already published.
        technical_criteria=technical_criteria(department),
        created_by=person,
        is_demo=is_demo,
    )
    audit_record(
        department=department,
        actor=person,
        action="tender.published",
        obj=tender,
        summary=f"Tender {tender.reference} published: {tender.title}",
        payload={
            "planning_decision": decision.pk,
            "bid_deadline": tender.bid_deadline.isoformat(),
            "opening_at": tender.opening_at.isoformat(),
            "pass_mark": str(tender.pass_mark),
        },
    )
    return tender


# Bids ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BidValues:
    bidder_name: str
    provider: Provider | None
    offer: dict[str, Any]
    local_content_pct: Decimal
    local_content_certificate: str
    local_content_location: str
    mse: bool
    udyam_number: str
    startup: bool
    received_at: dt.datetime


def offer_terms(data: Any) -> engine.Offer:
    """The bid's offer terms as the engine reads them; ValidationError naming each field."""
    with labels.engine_in_reader_language():
        try:
            offer = parse_as(engine.Offer, data, "offer")
        except EngineValidationError as error:
            pairs = error.as_pairs()
            raise ValidationError({"offer": [f"{path}: {m}" for path, m in pairs]}) from None
        problems = validate_offer(offer, "offer")
    if problems:
        raise ValidationError({"offer": [f"{p.path}: {p.message}" for p in problems]})
    return offer


def _bid_errors(tender: Tender, values: BidValues, now: dt.datetime) -> dict[str, Any]:
    """Each field's problem; those against the tender's dates, the clock or another field are
    conflicts (a 409 in the API)."""
    errors: dict[str, Any] = {}
    _text(errors, "bidder_name", values.bidder_name, 200)
    _text(errors, "local_content_location", values.local_content_location, 200)

    def conflict(name: str, message: str) -> None:
        errors[name] = ValidationError(message, code=CONFLICT)

    if values.received_at > now:
        conflict("received_at", _("A bid is recorded once received, not before."))
    elif values.received_at > tender.bid_deadline:
        conflict(
            "received_at",
            _("The deadline was %(deadline)s: a late bid is not accepted.")
            % {"deadline": date_format(timezone.localtime(tender.bid_deadline), "d M Y, H:i")},
        )
    elif values.received_at < tender.published_at.replace(second=0, microsecond=0):
        conflict("received_at", _("The bid is dated before the tender was published."))
    if not Decimal(0) <= values.local_content_pct <= Decimal(100):
        errors["local_content_pct"] = _(
            "Give the local content from %(low)s %% to %(high)s %%."
        ) % {"low": 0, "high": 100}
    if values.local_content_certificate not in Bid.Certificate.values:
        errors["local_content_certificate"] = _("Choose who certified the local content.")
    if values.mse and not values.udyam_number.strip():
        conflict("udyam_number", _("An MSE gives its Udyam registration number."))
    try:
        offer_terms(values.offer)
    except ValidationError as error:
        errors.update(error.message_dict)
    return errors


def bids_sha256(bids: list[Bid]) -> str:
    """The SHA-256 of the bids as recorded: each one's bidder, terms and declarations, in the
    order received."""
    rows = [
        {
            "id": bid.pk,
            "bidder": bid.bidder_name,
            "offer": bid.offer,
            "local_content_pct": f"{bid.local_content_pct:.2f}",
            "certificate": bid.local_content_certificate,
            "mse": bid.mse,
            "startup": bid.startup,
            "received_at": bid.received_at.astimezone(dt.UTC).isoformat(),
        }
        for bid in bids
    ]
    text = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def bid_record(*, user: User, tender: Tender, values: BidValues, is_demo: bool = False) -> Bid:
    """An officer (or the department's system) records a bid received before the deadline.
    Its audit event names neither the bidder nor a figure: the bids are sealed until opened."""
    department, person = require_role(user, "procurement.add_bid")
    _own(department, tender)
    Tender.objects.select_for_update().filter(pk=tender.pk).values_list("pk").get()
    if BidOpening.objects.filter(tender=tender).exists():
        raise ValidationError(_("The bids are opened: no bid is added after."), code=CONFLICT)
    errors = _bid_errors(tender, values, timezone.now())
    if errors:
        raise ValidationError(errors)
    offer = to_jsonable(offer_terms(values.offer), normalise=True)
    bid = Bid.objects.create(
        tender=tender,
        bidder_name=values.bidder_name.strip(),
        provider=values.provider,
        offer=offer,
        local_content_pct=values.local_content_pct,
        local_content_certificate=values.local_content_certificate,
        local_content_location=values.local_content_location.strip(),
        mse=values.mse,
        udyam_number=values.udyam_number.strip(),
        startup=values.startup,
        received_at=values.received_at,
        recorded_by=person,
        is_demo=is_demo,
    )
    sealed = hashlib.sha256(
        json.dumps([bid.bidder_name, offer], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    audit_record(
        department=department,
        actor=person,
        action="bid.recorded",
        obj=bid,
        summary=f"A sealed bid recorded for tender {tender.reference}",
        payload={
            "tender": tender.pk,
            "received_at": bid.received_at.isoformat(),
            "sealed_sha256": sealed,
        },
    )
    return bid


@transaction.atomic
def tender_open(*, user: User, tender: Tender) -> BidOpening:
    """An officer opens the bids at or after the opening time, once."""
    department, person = require_role(user, "procurement.add_bidopening")
    _own(department, tender)
    Tender.objects.select_for_update().filter(pk=tender.pk).values_list("pk").get()
    if BidOpening.objects.filter(tender=tender).exists():
        raise ValidationError(_("The bids are opened already."), code=CONFLICT)
    if timezone.now() < tender.opening_at:
        raise ValidationError(
            _("The bids open at %(opening)s, not before.")
            % {"opening": date_format(timezone.localtime(tender.opening_at), "d M Y, H:i")},
            code=CONFLICT,
        )
    bids = list(Bid.objects.filter(tender=tender).order_by("received_at", "pk"))
    opening = BidOpening.objects.create(
        tender=tender, opened_by=person, bids=len(bids), bids_sha256=bids_sha256(bids)
    )
    audit_record(
        department=department,
        actor=person,
        action="tender.opened",
        obj=tender,
        summary=f"Bids of tender {tender.reference} opened: {len(bids)}",
        payload={
            "bids": [bid.pk for bid in bids],
            "bidders": [bid.bidder_name for bid in bids],
            "bids_sha256": opening.bids_sha256,
        },
    )
    return opening


# The bid document -----------------------------------------------------------------------------


@transaction.atomic
def bid_document_request(*, user: User, tender: Tender) -> JustificationDocument:
    """Queue the bid document (a PDF) of ``tender``, once: an officer of its department.

    As ``services.document_request`` queues a file note: the row is written in this transaction
    (an outbox) and the rendering job enqueued after it commits. Idempotent per tender: while
    its bid document is queued, rendering or ready, asking again returns it; only a failed one
    is requested anew. Its comparison is the planning decision's, and it is final: a tender is
    published from an approved decision.
    """
    department, person = require_role(user, "procurement.add_justificationdocument")
    _own(department, tender)
    Tender.objects.select_for_update().filter(pk=tender.pk).values_list("pk").get()
    existing = (
        JustificationDocument.objects.filter(
            tender=tender, kind=JustificationDocument.Kind.BID_DOCUMENT
        )
        .exclude(status=JustificationDocument.Status.FAILED)
        .order_by("requested_at")
        .first()
    )
    if existing is not None:
        return existing
    return _tender_document_queue(
        department,
        person,
        tender,
        tender.planning_decision.comparison,
        JustificationDocument.Kind.BID_DOCUMENT,
        final=True,
        what="the bid document",
    )


# The bid evaluation committee report ---------------------------------------------------------


@transaction.atomic
def evaluation_report_request(*, user: User, tender: Tender) -> JustificationDocument:
    """Queue the bid evaluation committee report (a PDF) of ``tender``'s latest evaluation: an
    officer of its department, once the bids are evaluated (a ``conflict`` before).

    As ``bid_document_request``: the row is written in this transaction (an outbox) and the
    rendering job enqueued after it commits. Idempotent: while a report of the latest
    evaluation is queued, rendering or ready, and no step it states has been taken since it was
    requested (an invitation issued or answered, the award proposed or decided), asking again
    returns it; otherwise — a failed one, or one out of date — a new one is requested. It is
    final when the award is approved by then, a draft before.
    """
    department, person = require_role(user, "procurement.add_justificationdocument")
    _own(department, tender)
    Tender.objects.select_for_update().filter(pk=tender.pk).values_list("pk").get()
    evaluation = latest_evaluation(tender)
    if evaluation is None:
        raise ValidationError(
            _("Evaluate the bids first: the committee's report states an evaluation."),
            code=CONFLICT,
        )
    existing = (
        JustificationDocument.objects.filter(
            tender=tender,
            kind=JustificationDocument.Kind.EVALUATION_REPORT,
            comparison=evaluation,
            requested_at__gte=last_reported_step(tender, evaluation),
        )
        .exclude(status=JustificationDocument.Status.FAILED)
        .order_by("requested_at")
        .first()
    )
    if existing is not None:
        return existing
    award = award_decision_of(tender)
    final = award is not None and award.status == Decision.Status.APPROVED
    return _tender_document_queue(
        department,
        person,
        tender,
        evaluation,
        JustificationDocument.Kind.EVALUATION_REPORT,
        final=final,
        what="the bid evaluation committee report",
    )


def _tender_document_queue(
    department: Department,
    person: Account,
    tender: Tender,
    comparison: Comparison,
    kind: str,
    *,
    final: bool,
    what: str,
) -> JustificationDocument:
    """Write a tender's document row (the outbox), its audit event, and enqueue its rendering
    once the transaction commits."""
    document = JustificationDocument.objects.create(
        department=department,
        comparison=comparison,
        kind=kind,
        tender=tender,
        final=final,
        requested_by=person,
        enqueued_at=timezone.now(),
    )
    audit_record(
        department=department,
        actor=person,
        action="document.requested",
        obj=document,
        summary=f"Requested {what} of tender {tender.reference}",
        payload={
            "comparison": comparison.pk,
            "fingerprint": comparison.fingerprint,
            "final": final,
            "tender": tender.pk,
        },
    )
    document_id = str(document.pk)
    transaction.on_commit(lambda: document_enqueue(document_id))
    return document
