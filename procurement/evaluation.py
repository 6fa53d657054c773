"""The technical stage of a tender's evaluation, after its bids are opened.

An officer of the tender's department appoints its **evaluation committee** from the
department's persons holding the committee role, until the first mark sheet is submitted
(``committee_appoint``). A member records each opened bid's **technical result** once
(``technical_result_record``): the buyer's benchmark score against the tender's pass mark and a
compliance checklist derived from the tender (``compliance_items``: bid security, Integrity
Pact, the local-content certificate in the form the estimate requires, land-border
registration, the data-protection schedule, the qualification documents); a bid is technically
qualified when it passed the benchmark and met every item.

Under QCBS each member then submits one **mark sheet** (``marks_submit``): every qualified bid
marked on every technical criterion the tender was published with (``Tender.technical_criteria``,
from the department's pack), once, never edited. A committee of at least two marks. Until every
member has submitted, a member sees only their own sheet and no one else sees any: the sheet's
audit event records the member and the SHA-256 of the marks, never a mark. Once all have
submitted, a bid's technical score is the mean over the members of each member's total
(``selectors.technical_scores``), recorded on the department's chain.

Every refusal of the tender's state is a ``ValidationError`` with code ``conflict``; bad input
names its field.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from procurement import selectors
from procurement.audit import audit_record
from procurement.engine.numbers import format_num, format_pct
from procurement.models import (
    Bid,
    BidOpening,
    CommitteeMember,
    Department,
    MarkSheet,
    Membership,
    TechnicalResult,
    Tender,
)
from procurement.roles import COMMITTEE
from procurement.selectors import User, require_role

CONFLICT = "conflict"  # as tendering.CONFLICT: a refusal of the tender's state (an API 409)
MIN_QCBS_COMMITTEE = 2
REMARK_LIMIT = 4000
ITEM_REMARK_LIMIT = 500


def _own(department: Department, tender: Tender) -> None:
    if tender.department_id != department.pk:
        raise PermissionDenied(_("Not your department's tender."))


def _member(tender: Tender, person: Account) -> None:
    if not CommitteeMember.objects.filter(tender=tender, member=person).exists():
        raise PermissionDenied(_("Only the members of this tender's evaluation committee do this."))


def _name(person: Account) -> str:
    return person.get_full_name() or person.get_username()


def _lock(tender: Tender) -> None:
    Tender.objects.select_for_update().filter(pk=tender.pk).values_list("pk").get()


def _opened(tender: Tender) -> None:
    if not BidOpening.objects.filter(tender=tender).exists():
        raise ValidationError(
            _("The technical evaluation begins once the bids are opened."), code=CONFLICT
        )


# The committee ------------------------------------------------------------------------------


@transaction.atomic
def committee_appoint(*, user: User, tender: Tender, member: Account) -> CommitteeMember:
    """An officer of the tender's department appoints ``member`` — a person of the same
    department holding the committee role — to its evaluation committee, before any mark sheet
    is submitted (the committee that marks is the committee that was appointed)."""
    department, person = require_role(user, "procurement.add_committeemember")
    _own(department, tender)
    _lock(tender)
    if MarkSheet.objects.filter(tender=tender).exists():
        raise ValidationError(
            _(
                "The committee has begun marking: no member is appointed after the first mark "
                "sheet."
            ),
            code=CONFLICT,
        )
    same_department = Membership.objects.filter(user=member, department=department).exists()
    committee_role = member.groups.filter(name=COMMITTEE).exists()
    if not (member.is_active and same_department and committee_role):
        raise ValidationError(
            {
                "member": ValidationError(
                    _(
                        "Choose an active person of your department who holds the tender "
                        "evaluation committee role."
                    ),
                    code="invalid",
                )
            }
        )
    if CommitteeMember.objects.filter(tender=tender, member=member).exists():
        raise ValidationError(
            {
                "member": ValidationError(
                    _("%(member)s is on this tender's committee already.")
                    % {"member": _name(member)},
                    code=CONFLICT,
                )
            }
        )
    seat = CommitteeMember.objects.create(tender=tender, member=member, appointed_by=person)
    audit_record(
        department=department,
        actor=person,
        action="committee.appointed",
        obj=seat,
        summary=f"{_name(member)} appointed to the evaluation committee of tender "
        f"{tender.reference}",
        payload={"tender": tender.pk, "member": member.pk},
    )
    return seat


# Technical results ----------------------------------------------------------------------------


def compliance_items(tender: Tender) -> list[tuple[str, str]]:
    """The compliance checklist of the tender's technical stage, as (key, label): what every
    bid is checked for, derived from the tender and its planning comparison (its pack, its
    estimate). Read by ``selectors.compliance_items``, so a document words each recorded item
    as this stage's form does."""
    return selectors.compliance_items(tender)


def compliance_notes(tender: Tender, bid: Bid, items: list[tuple[str, str]]) -> dict[str, str]:
    """What the bid itself says about some items, for the committee's form: an exemption or a
    relaxation it claims (MSE, startup), the certificate it carries, whether its supplier is
    from a land-border country."""
    keys = {key for key, _label in items}
    notes: dict[str, str] = {}
    if bid.mse and bid.startup:
        exempt = _("Exempt: the bidder declares itself a micro or small enterprise and a startup.")
        relaxed = _(
            "Relaxed: the bidder declares itself a micro or small enterprise and a startup (prior "
            "turnover and experience relaxed)."
        )
    elif bid.mse:
        exempt = _("Exempt: the bidder declares itself a micro or small enterprise.")
        relaxed = _(
            "Relaxed: the bidder declares itself a micro or small enterprise (prior turnover and "
            "experience relaxed)."
        )
    else:
        exempt = _("Exempt: the bidder declares itself a startup.")
        relaxed = _(
            "Relaxed: the bidder declares itself a startup (prior turnover and experience relaxed)."
        )
    claims = bid.mse or bid.startup
    if claims and "bid_security" in keys:
        notes["bid_security"] = exempt
    if claims and "qualification" in keys:
        notes["qualification"] = relaxed
    if "local_content_certificate" in keys:
        notes["local_content_certificate"] = _(
            "The bid declares %(share)s local content, %(certificate)s."
        ) % {
            "share": format_pct(bid.local_content_pct),
            "certificate": bid.get_local_content_certificate_display().lower(),
        }
    provider = bid.offer.get("provider") if isinstance(bid.offer, dict) else None
    if "land_border" in keys and isinstance(provider, dict):
        if provider.get("land_border_country"):
            notes["land_border"] = _("The bid's supplier is from a country sharing a land border.")
        else:
            notes["land_border"] = _(
                "Not applicable: the bid's supplier is not from a country sharing a land border."
            )
    return notes


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _beyond_hundredths(number: Decimal) -> bool:
    """Whether ``number`` (within 0–100) has a non-zero digit after its second decimal place
    ("12.345"; "12.50" and "12.500" are two decimals)."""
    return number != number.quantize(Decimal("0.01"))


def _checklist(
    items: list[tuple[str, str]], checklist: Any, errors: dict[str, Any]
) -> list[dict[str, Any]]:
    """The checklist in item order, each {item, met, remark}; a missing, repeated or unknown
    item, or a malformed one, is an error of the ``checklist`` field."""
    labels = dict(items)
    if not isinstance(checklist, list) or not all(isinstance(row, dict) for row in checklist):
        errors["checklist"] = _("Give the checklist as a list of items, each met or not.")
        return []
    given: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for row in checklist:
        key = row.get("item")
        if not isinstance(key, str) or key not in labels:
            problems.append(
                _("“%(item)s” is not an item of this tender's checklist.") % {"item": key}
            )
        elif key in given:
            problems.append(_("%(item)s: given twice.") % {"item": labels[key]})
        elif not isinstance(row.get("met"), bool):
            problems.append(_("%(item)s: say whether it is met.") % {"item": labels[key]})
        elif not isinstance(row.get("remark", ""), str):
            problems.append(_("%(item)s: the remark is text.") % {"item": labels[key]})
        elif len(row.get("remark", "").strip()) > ITEM_REMARK_LIMIT:
            problems.append(
                _("%(item)s: keep the remark to %(limit)s characters.")
                % {"item": labels[key], "limit": ITEM_REMARK_LIMIT}
            )
        else:
            given[key] = row
    problems += [
        _("%(item)s: say whether it is met.") % {"item": label}
        for key, label in items
        if key not in given
    ]
    # A refused row is counted once: as refused, not also as missing.
    problems = list(dict.fromkeys(problems))
    if problems:
        errors["checklist"] = problems
        return []
    return [
        {
            "item": key,
            "met": given[key]["met"],
            "remark": given[key].get("remark", "").strip(),
        }
        for key, _label in items
    ]


@transaction.atomic
def technical_result_record(
    *, user: User, bid: Bid, benchmark_score: Any, checklist: Any, remark: str = ""
) -> TechnicalResult:
    """A member of the tender's committee records an opened bid's technical result, once:
    the benchmark score (0–100, two decimals at most) against the tender's pass mark, and each
    compliance item met or not (``compliance_items``)."""
    department, person = require_role(user, "procurement.add_technicalresult")
    tender = bid.tender
    _own(department, tender)
    _member(tender, person)
    _lock(tender)
    _opened(tender)
    if TechnicalResult.objects.filter(bid=bid).exists():
        raise ValidationError(
            _("The technical result of %(bidder)s's bid is recorded already; it is never edited.")
            % {"bidder": bid.bidder_name},
            code=CONFLICT,
        )
    errors: dict[str, Any] = {}
    score = _decimal(benchmark_score)
    if score is None:
        errors["benchmark_score"] = _("Give the benchmark score, a number from 0 to 100.")
    elif not Decimal(0) <= score <= Decimal(100):
        errors["benchmark_score"] = _("Give the benchmark score from 0 to 100.")
    elif _beyond_hundredths(score):
        errors["benchmark_score"] = _("Give the benchmark score to two decimal places at most.")
    rows = _checklist(compliance_items(tender), checklist, errors)
    if not isinstance(remark, str):
        errors["remark"] = _("The remark is text.")
    elif len(remark.strip()) > REMARK_LIMIT:
        errors["remark"] = _("Keep the remark to %(limit)s characters.") % {
            "limit": f"{REMARK_LIMIT:,}"
        }
    if errors:
        raise ValidationError(errors)
    assert score is not None
    passed = score >= tender.pass_mark
    result = TechnicalResult.objects.create(
        bid=bid,
        benchmark_score=score,
        benchmark_passed=passed,
        checklist=rows,
        qualified=passed and all(row["met"] for row in rows),
        remark=remark.strip(),
        recorded_by=person,
    )
    verdict = "qualified" if result.qualified else "not qualified"
    audit_record(
        department=department,
        actor=person,
        action="technical_result.recorded",
        obj=result,
        summary=f"Technical result of {bid.bidder_name} for tender {tender.reference}: "
        f"benchmark {score:.2f} against the pass mark {tender.pass_mark:.2f}, {verdict}",
        payload={
            "tender": tender.pk,
            "bid": bid.pk,
            "benchmark_score": f"{score:.2f}",
            "benchmark_passed": passed,
            "checklist": rows,
            "qualified": result.qualified,
        },
    )
    return result


# Mark sheets (QCBS) -----------------------------------------------------------------------------


def marks_sha256(marks: dict[str, dict[str, str]]) -> str:
    """The SHA-256 of a mark sheet's marks (canonical JSON): what its audit event records."""
    text = json.dumps(marks, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def mark_field(bid_pk: int, criterion_id: str) -> str:
    """The name ``marks_submit`` gives the error of one bid's mark on one criterion."""
    return f"marks.{bid_pk}.{criterion_id}"


def marking_refusal(tender: Tender, method: str | None = None) -> str | None:
    """Why the tender's committee cannot enter marks now (a sentence), or None when it can.
    ``method`` is the tender's evaluation method when the caller has read it already."""
    if (method or selectors.evaluation_method(tender)) != "qcbs":
        return _(
            "Marks are not used for this tender: it is evaluated by the lowest price (L1) among "
            "the technically qualified bids."
        )
    if not BidOpening.objects.filter(tender=tender).exists():
        return _(
            "Marks are entered once the bids are opened and every bid's technical result is in."
        )
    if not tender.technical_criteria:
        return _(
            "This tender was published without technical criteria (its department's policy "
            "pack had none then): marks cannot be entered."
        )
    if CommitteeMember.objects.filter(tender=tender).count() < MIN_QCBS_COMMITTEE:
        return _(
            "A committee of at least %(members)s members marks a QCBS tender: appoint another "
            "member first."
        ) % {"members": MIN_QCBS_COMMITTEE}
    pending = Bid.objects.filter(tender=tender, technical_result__isnull=True)
    if pending.exists():
        names = ", ".join(
            pending.order_by("received_at", "pk").values_list("bidder_name", flat=True)
        )
        return _(
            "Marks are entered once every bid's technical result is recorded (waiting: "
            "%(bidders)s)."
        ) % {"bidders": names}
    return None


def _marks(tender: Tender, marks: Any, errors: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The sheet's marks for every qualified bid and criterion, each a decimal string with two
    places; errors name the bid (its bidder) and the criterion (its name)."""
    criteria = selectors.tender_criteria(tender)
    bids = list(
        Bid.objects.filter(tender=tender)
        .select_related("technical_result")
        .order_by("received_at", "pk")
    )
    if not isinstance(marks, dict) or not all(isinstance(v, dict) for v in marks.values()):
        errors["marks"] = _("Give the marks as {bid: {criterion: marks}}.")
        return {}
    given = {str(key): value for key, value in marks.items()}
    known = {str(bid.pk): bid for bid in bids}
    stray = [key for key in given if key not in known]
    if stray:
        errors["marks"] = [
            _("“%(bid)s” is not a bid of this tender.") % {"bid": key} for key in stray
        ]
    clean: dict[str, dict[str, str]] = {}
    names = {c.criterion_id: c.name for c in criteria}
    for bid in bids:
        row = given.get(str(bid.pk))
        if not bid.technical_result.qualified:
            if row:
                errors[f"marks.{bid.pk}"] = _(
                    "%(bidder)s: the bid did not qualify technically, so it is not marked."
                ) % {"bidder": bid.bidder_name}
            continue
        row = row or {}
        unknown = [str(key) for key in row if str(key) not in names]
        if unknown:
            errors[f"marks.{bid.pk}"] = [
                _("%(bidder)s: “%(criterion)s” is not a criterion of this tender.")
                % {"bidder": bid.bidder_name, "criterion": key}
                for key in unknown
            ]
        clean[str(bid.pk)] = {}
        for criterion in criteria:
            field = mark_field(bid.pk, criterion.criterion_id)
            head = {"bidder": bid.bidder_name, "criterion": criterion.name}
            raw = row.get(criterion.criterion_id)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                errors[field] = _("%(bidder)s, %(criterion)s: give a mark.") % head
                continue
            mark = _decimal(raw)
            if mark is None:
                errors[field] = _("%(bidder)s, %(criterion)s: give a number, e.g. 7.5.") % head
            elif not Decimal(0) <= mark <= criterion.max_marks:
                errors[field] = _("%(bidder)s, %(criterion)s: give a mark from 0 to %(most)s.") % {
                    **head,
                    "most": format_num(criterion.max_marks),
                }
            elif _beyond_hundredths(mark):
                errors[field] = (
                    _("%(bidder)s, %(criterion)s: give the mark to two decimal places at most.")
                    % head
                )
            else:
                clean[str(bid.pk)][criterion.criterion_id] = f"{mark:.2f}"
    return clean


@transaction.atomic
def marks_submit(*, user: User, tender: Tender, marks: Any) -> MarkSheet:
    """A member of a QCBS tender's committee submits their mark sheet, once: every technically
    qualified bid marked on every technical criterion (0 to the criterion's most marks, two
    decimals at most); a bid that did not qualify is not marked. Refused until every bid has
    its technical result. Its audit event records the member and the SHA-256 of the marks;
    when it is the last sheet, a second event records the technical scores."""
    department, person = require_role(user, "procurement.add_marksheet")
    _own(department, tender)
    _member(tender, person)
    _lock(tender)
    refusal = marking_refusal(tender)
    if refusal:
        raise ValidationError(refusal, code=CONFLICT)
    if MarkSheet.objects.filter(tender=tender, member=person).exists():
        raise ValidationError(
            _("You have submitted your mark sheet; it is never edited."), code=CONFLICT
        )
    errors: dict[str, Any] = {}
    clean = _marks(tender, marks, errors)
    if errors:
        raise ValidationError(errors)
    sheet = MarkSheet.objects.create(tender=tender, member=person, marks=clean)
    audit_record(
        department=department,
        actor=person,
        action="marks.submitted",
        obj=sheet,
        summary=f"{_name(person)} submitted a mark sheet for tender {tender.reference}",
        payload={"tender": tender.pk, "member": person.pk, "marks_sha256": marks_sha256(clean)},
    )
    scores = selectors.technical_scores(tender)
    if scores:
        audit_record(
            department=department,
            actor=person,
            action="technical_scores.final",
            obj=tender,
            summary=f"Every committee member has marked tender {tender.reference}: the "
            "technical scores are final",
            payload={
                "scores": {str(bid): f"{score:.2f}" for bid, score in scores.items()},
                "sheets": {
                    str(s.member_id): marks_sha256(s.marks)
                    for s in selectors.mark_sheets_of(tender)
                },
            },
        )
    return sheet
