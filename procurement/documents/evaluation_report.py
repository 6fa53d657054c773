"""What a tender's bid evaluation committee report says: the tender and its opening, the
committee, the technical evaluation (each bid's benchmark score against the pass mark and its
compliance checklist; under QCBS each member's marks and the averaged technical score), the
engine's financial evaluation of the qualified bids, the preferences with the invitations to
match L1 and the bidders' replies, the award and its decision, and what verifies it all.

Everything comes from stored records: the tender's latest evaluation (its stored results and
snapshot inputs, in the engine's types), the tender, its bids and opening, the technical results,
the mark sheets, the invitations and replies, the award decision. ``evaluation_report_view`` is
the one presenter the PDF and the tender's page both read, so their figures are the same
strings: rupees by ``format_inr`` (Indian grouping), scores to two decimals, dates as Indian
tenders print them. Bidders are named, never a bid's id; an engine sentence is put in plain words
(``presenters.Plain``) with the bidders' names for the offers' ids.

A document states the records as they stood when it was requested (``as_of``): a step taken
after the request (an invitation, a reply, the award's approval) waits for a report requested
after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User as Account
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from procurement import engine, labels, selectors
from procurement.documents.bid_document import indian_date, indian_datetime
from procurement.engine.numbers import format_count, format_indian, format_inr, format_pct
from procurement.engine.words import rupees_in_words
from procurement.labels import reader_language as language
from procurement.models import Bid, Comparison, Decision, JustificationDocument, Tender
from procurement.presenters import Plain

NOT_GIVEN = "—"


def _name(person: Account | None) -> str:
    if person is None:
        return NOT_GIVEN
    return person.get_full_name() or person.get_username()


def _score(value: Decimal | None) -> str:
    """A score or a mark as the report prints it: two decimals ("82.50")."""
    return NOT_GIVEN if value is None else format_indian(value, 2)


def _inr(value: Decimal | None) -> str:
    return NOT_GIVEN if value is None else format_inr(value)


def _day(moment: dt.datetime) -> str:
    return indian_date(timezone.localdate(moment))


# What the report shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class TenderFacts:
    """Section 1: the tender, its dates and its opening."""

    reference: str
    title: str
    department: str
    planning_approved_on: str
    bid_deadline: str
    opening_at: str
    opened_at: str
    opened_by: str
    bids_received: str
    bids_sha256: str


@dataclass(frozen=True)
class Seat:
    """Section 2: a member of the committee and who appointed them."""

    member: str
    appointed_by: str
    appointed_on: str


@dataclass(frozen=True)
class ComplianceLine:
    item: str
    met: bool
    remark: str


@dataclass(frozen=True)
class TechnicalLine:
    """Section 3: one opened bid's technical result."""

    bidder: str
    recorded: bool
    benchmark_score: str
    passed: bool
    items: tuple[ComplianceLine, ...]
    qualified: bool
    remark: str
    recorded_by: str


@dataclass(frozen=True)
class CriterionLine:
    name: str
    max_marks: str


@dataclass(frozen=True)
class MarksLine:
    """One qualified bid's total marks on each member's sheet (in ``Marking.members``' order)
    and its technical score: the average the evaluation used."""

    bidder: str
    totals: tuple[str, ...]
    score: str


@dataclass(frozen=True)
class Marking:
    """Section 3, under QCBS: the criteria and each member's totals, once every member has
    submitted a sheet."""

    criteria: tuple[CriterionLine, ...]
    max_total: str
    members: tuple[str, ...]
    lines: tuple[MarksLine, ...]
    complete: bool


@dataclass(frozen=True)
class FinancialLine:
    """Section 4: one qualified bid as the engine evaluated it."""

    bidder: str
    eligible: bool
    reasons: tuple[str, ...]
    evaluated_cost: str
    nominal_total: str
    technical_score: str
    financial_score: str
    combined_score: str
    rank: str


@dataclass(frozen=True)
class RoundLine:
    """Section 5: one invitation to match L1, as the evaluation's rounds order them."""

    round: int
    bidder: str
    evaluated_cost: str
    invited_on: str
    reply: str
    replied_on: str


@dataclass(frozen=True)
class PreferenceLine:
    title: str
    status: str
    message: str
    interpretation: str
    rounds: tuple[RoundLine, ...]


@dataclass(frozen=True)
class AwardLines:
    """Section 6: the evaluation's recommended award (``found``: an eligible bid to award)."""

    found: bool
    recommended: str
    mechanism: str
    price_paid: str
    price_paid_words: str
    price_paid_nominal: str
    price_of: str
    premium: str


@dataclass(frozen=True)
class DecisionLines:
    """Section 6: the award decision as it stood at ``as_of``."""

    status: str
    awarded: str
    follows_recommendation: bool
    reason: str
    proposed_by: str
    proposed_on: str
    decided: bool
    decided_by: str
    decided_on: str
    note: str
    approved: bool
    on_an_earlier_evaluation: bool


@dataclass(frozen=True)
class EvaluationReportView:
    """Everything the bid evaluation committee report of a tender states, as display strings."""

    tender: TenderFacts
    demo: bool
    as_of: str
    committee: tuple[Seat, ...]
    pass_mark: str
    technical: tuple[TechnicalLine, ...]
    marking: Marking | None
    qcbs: bool
    method: str
    weights: str
    cost_basis: str
    policy_pack: str
    evaluated_on: str
    financial: tuple[FinancialLine, ...]
    preferences: tuple[PreferenceLine, ...]
    award: AwardLines
    decision: DecisionLines | None
    engine_version: str
    fingerprint: str

    @property
    def rounds(self) -> tuple[RoundLine, ...]:
        return tuple(r for p in self.preferences for r in p.rounds)


# Building it ----------------------------------------------------------------------------------


def _tender_facts(tender: Tender) -> TenderFacts:
    opening = selectors.opening_of(tender)
    planning = tender.planning_decision
    department = tender.department
    return TenderFacts(
        reference=tender.reference,
        title=tender.title,
        department=", ".join(p for p in (department.name, department.parent) if p),
        planning_approved_on=_day(planning.decided_at) if planning.decided_at else NOT_GIVEN,
        bid_deadline=indian_datetime(tender.bid_deadline),
        opening_at=indian_datetime(tender.opening_at),
        opened_at=indian_datetime(opening.opened_at) if opening else NOT_GIVEN,
        opened_by=_name(opening.opened_by) if opening else NOT_GIVEN,
        bids_received=format_count(opening.bids) if opening else NOT_GIVEN,
        bids_sha256=opening.bids_sha256 if opening else NOT_GIVEN,
    )


def _technical(tender: Tender, bids: list[Bid]) -> tuple[TechnicalLine, ...]:
    results = selectors.technical_results_of(tender)
    words = dict(selectors.compliance_items(tender))
    lines = []
    for bid in bids:
        result = results.get(bid.pk)
        if result is None:
            lines.append(
                TechnicalLine(
                    bidder=bid.bidder_name,
                    recorded=False,
                    benchmark_score=NOT_GIVEN,
                    passed=False,
                    items=(),
                    qualified=False,
                    remark="",
                    recorded_by=NOT_GIVEN,
                )
            )
            continue
        items = tuple(
            ComplianceLine(
                words.get(str(row["item"]), str(row["item"])),
                bool(row["met"]),
                str(row.get("remark", "")),
            )
            for row in result.checklist
        )
        lines.append(
            TechnicalLine(
                bidder=bid.bidder_name,
                recorded=True,
                benchmark_score=_score(result.benchmark_score),
                passed=result.benchmark_passed,
                items=items,
                qualified=result.qualified,
                remark=result.remark,
                recorded_by=_name(result.recorded_by),
            )
        )
    return tuple(lines)


def _marking(tender: Tender, bids: list[Bid], inputs: engine.SnapshotInputs) -> Marking:
    criteria = selectors.tender_criteria(tender)
    committee = selectors.committee_of(tender)
    sheets = selectors.mark_sheets_of(tender)
    members = {seat.member_id for seat in committee}
    complete = bool(members) and members == {sheet.member_id for sheet in sheets}
    # The averages the evaluation used, from its snapshot: equal by construction to the marks.
    used = {s.offer_id: s.score for s in inputs.options.technical_scores}
    lines: list[MarksLine] = []
    if complete:
        totals = [selectors.sheet_totals(sheet) for sheet in sheets]
        for bid in bids:
            offer_id = selectors.bid_offer_id(bid.pk)
            if offer_id not in used:
                continue
            lines.append(
                MarksLine(
                    bidder=bid.bidder_name,
                    totals=tuple(_score(t.get(bid.pk)) for t in totals),
                    score=_score(used[offer_id]),
                )
            )
    return Marking(
        criteria=tuple(CriterionLine(c.name, format_indian(c.max_marks)) for c in criteria),
        max_total=format_indian(sum((c.max_marks for c in criteria), Decimal(0))),
        members=tuple(_name(sheet.member) for sheet in sheets) if complete else (),
        lines=tuple(lines),
        complete=complete,
    )


def _financial(results: engine.ComparisonResult, plain: Plain) -> tuple[FinancialLine, ...]:
    ordered = sorted(results.offers, key=lambda o: (o.rank is None, o.rank or 0, plain(o.offer_id)))
    return tuple(
        FinancialLine(
            bidder=plain(offer.offer_id),
            eligible=offer.eligible,
            reasons=tuple(plain(o.message) for o in offer.outcomes if o.status == "fail"),
            evaluated_cost=_inr(offer.evaluated_cost_inr),
            nominal_total=_inr(offer.tco.nominal_total_inr if offer.tco else None),
            technical_score=_score(offer.technical_score),
            financial_score=_score(offer.financial_score),
            combined_score=_score(offer.combined_score),
            rank=str(offer.rank) if offer.rank is not None else NOT_GIVEN,
        )
        for offer in ordered
    )


def _reply(*, accepts: bool) -> str:
    """A bidder's reply to an invitation to match L1, in a word."""
    if accepts:
        return pgettext("reply to an invitation to match L1", "Accepted")
    return pgettext("reply to an invitation to match L1", "Declined")


def _preferences(
    tender: Tender, results: engine.ComparisonResult, plain: Plain, as_of: dt.datetime
) -> tuple[PreferenceLine, ...]:
    invitations = {
        (selectors.bid_offer_id(i.bid_id), i.preference): i
        for i in selectors.invitations_of(tender)
        if i.issued_at <= as_of
    }
    lines = []
    for pref in results.preferences:
        rounds = []
        for r in pref.match_rounds:
            invitation = invitations.get((r.offer_id, pref.kind))
            reply = getattr(invitation, "reply", None) if invitation is not None else None
            if reply is not None and reply.recorded_at > as_of:
                reply = None
            if reply is not None:
                answer = _reply(accepts=reply.accepts)
                on = indian_date(reply.replied_on)
            elif r.answer == "stated":
                answer, on = _reply(accepts=r.accepted), NOT_GIVEN
            else:
                answer, on = _("No reply yet"), NOT_GIVEN
            rounds.append(
                RoundLine(
                    round=r.round,
                    bidder=plain(r.offer_id),
                    evaluated_cost=format_inr(r.evaluated_cost_inr),
                    invited_on=_day(invitation.issued_at) if invitation else _("Not invited yet"),
                    reply=answer,
                    replied_on=on,
                )
            )
        lines.append(
            PreferenceLine(
                title=labels.PREFERENCE_KIND.label(pref.kind),
                status=labels.PREFERENCE_STATUS.label(pref.status),
                message=plain(pref.message),
                interpretation=plain(pref.interpretation),
                rounds=tuple(rounds),
            )
        )
    return tuple(lines)


def _award(results: engine.ComparisonResult, plain: Plain) -> AwardLines:
    award = results.recommendation.award
    if award.offer_id is None:
        return AwardLines(
            found=False,
            recommended=_("No bid can be recommended: none of the qualified bids is eligible."),
            mechanism=labels.MECHANISM.label(award.mechanism),
            price_paid=NOT_GIVEN,
            price_paid_words=NOT_GIVEN,
            price_paid_nominal=NOT_GIVEN,
            price_of=NOT_GIVEN,
            premium=plain(results.recommendation.premium_statement),
        )
    if award.price_offer_id in (None, award.offer_id):
        price_of = _("%(bidder)s's own evaluated price") % {"bidder": plain(award.offer_id)}
    else:
        price_of = _("the evaluated price of %(l1)s, which %(bidder)s matched") % {
            "l1": plain(award.price_offer_id),
            "bidder": plain(award.offer_id),
        }
    return AwardLines(
        found=True,
        recommended=plain(award.offer_id),
        mechanism=labels.MECHANISM.label(award.mechanism),
        price_paid=_inr(award.cost_inr),
        price_paid_words=NOT_GIVEN
        if award.cost_inr is None
        else rupees_in_words(award.cost_inr, language()),
        price_paid_nominal=_inr(award.nominal_inr),
        price_of=price_of,
        premium=plain(results.recommendation.premium_statement),
    )


def _decision(
    decision: Decision | None, evaluation: Comparison, plain: Plain, as_of: dt.datetime
) -> DecisionLines | None:
    if decision is None:
        return None
    decided = decision.decided_at is not None and decision.decided_at <= as_of
    status = decision.status if decided else Decision.Status.PROPOSED
    return DecisionLines(
        status=str(Decision.Status(status).label),
        awarded=plain(decision.offer_id),
        follows_recommendation=decision.follows_recommendation,
        reason=decision.reason,
        proposed_by=_name(decision.proposed_by),
        proposed_on=indian_datetime(decision.proposed_at),
        decided=decided,
        decided_by=_name(decision.decided_by) if decided else NOT_GIVEN,
        decided_on=indian_datetime(decision.decided_at)
        if decided and decision.decided_at
        else NOT_GIVEN,
        note=decision.decision_note if decided else "",
        approved=status == Decision.Status.APPROVED,
        on_an_earlier_evaluation=decision.comparison_id != evaluation.pk,
    )


def _method(results: engine.ComparisonResult, inputs: engine.SnapshotInputs) -> tuple[str, str]:
    """The evaluation method's weights (under QCBS) and the cost basis, in words."""
    weights = ""
    if results.evaluation_method == "qcbs":
        qcbs = inputs.policy.evaluation.qcbs
        technical = inputs.workload.qcbs_technical_weight_pct
        if technical is None:
            technical = qcbs.technical_weight_pct
        weights = _(
            "Technical score weighted %(technical)s, financial score %(financial)s; the minimum "
            "qualifying technical score is %(minimum)s."
        ) % {
            "technical": format_pct(technical),
            "financial": format_pct(Decimal(100) - technical),
            "minimum": format_indian(qcbs.min_technical_score),
        }
    if results.cost_basis == "npv":
        basis = _(
            "Present value of the whole term, taxes included, discounted at %(rate)s a year as "
            "the bid document states"
        ) % {"rate": format_pct(inputs.policy.finance.discount_rate_pct)}
    else:
        basis = _("Nominal rupees over the whole term, taxes included")
    return weights, basis


def evaluation_report_view(
    tender: Tender, *, evaluation: Comparison | None = None, as_of: dt.datetime | None = None
) -> EvaluationReportView:
    """The bid evaluation committee report of ``tender``: of ``evaluation`` (default: the
    tender's latest), with the records as they stood at ``as_of`` (default: now). Unscoped: the
    caller has fetched the tender for its user. ValueError when the tender has no evaluation."""
    evaluation = evaluation or selectors.latest_evaluation(tender)
    if evaluation is None or evaluation.tender_id != tender.pk:
        raise ValueError(f"tender {tender.pk} has no evaluation of its bids to report")
    as_of = as_of or timezone.now()
    # The engine's sentences in the reader's language; the figures are the stored ones.
    results = selectors.comparison_results(evaluation)
    inputs = selectors.comparison_inputs(evaluation)
    bids = selectors.opened_bids(tender)
    names = {o.offer_id: o.provider_name for o in results.offers}
    names |= {o.provider_id: o.provider_name for o in results.offers}
    names |= {selectors.bid_offer_id(bid.pk): bid.bidder_name for bid in bids}
    plain = Plain(names)
    qcbs = results.evaluation_method == "qcbs"
    weights, basis = _method(results, inputs)
    pack = evaluation.policy_pack
    return EvaluationReportView(
        tender=_tender_facts(tender),
        demo=tender.is_demo
        or any(bid.is_demo for bid in bids)
        or results.uses_demo_data
        or evaluation.uses_demo_data,
        as_of=indian_datetime(as_of),
        committee=tuple(
            Seat(_name(s.member), _name(s.appointed_by), _day(s.appointed_at))
            for s in selectors.committee_of(tender)
            if s.appointed_at <= as_of
        ),
        pass_mark=_score(tender.pass_mark),
        technical=_technical(tender, bids),
        marking=_marking(tender, bids, inputs) if qcbs else None,
        qcbs=qcbs,
        method=labels.EVALUATION_METHOD.label(results.evaluation_method),
        weights=weights,
        cost_basis=basis,
        policy_pack=_("%(title)s, version %(version)s")
        % {"title": pack.title, "version": pack.version},
        evaluated_on=indian_datetime(evaluation.created_at),
        financial=_financial(results, plain),
        preferences=_preferences(tender, results, plain, as_of),
        award=_award(results, plain),
        decision=_decision(selectors.award_decision_of(tender, as_of), evaluation, plain, as_of),
        engine_version=results.engine_version,
        fingerprint=evaluation.fingerprint,
    )


def evaluation_report_context(document: JustificationDocument) -> dict[str, object]:
    """Everything the PDF of ``document`` (a tender's evaluation committee report) shows: the
    report of its comparison as the records stood when it was requested."""
    tender = document.tender
    if tender is None or document.kind != JustificationDocument.Kind.EVALUATION_REPORT:
        raise ValueError(f"document {document.pk} is not a tender's evaluation committee report")
    return {
        "document": document,
        "department": document.department,
        "report": evaluation_report_view(
            tender, evaluation=document.comparison, as_of=document.requested_at
        ),
        "final": document.final,
    }
