"""From the bids' technical results to the contract: the engine's evaluation of the qualified
bids, the invitations to match L1 and their replies, the award and the contract's signing.

The **evaluation** runs the engine on the technically qualified bids with the same rules as
planning (the department's adopted pack): each bid is an offer (its terms as recorded, with the
bidder's declared local content and MSE status) whose quality evidence is its result on the
tender's benchmark, and under QCBS the committee's averaged marks are its technical score. It is
stored like any comparison (signed snapshot, insert-only) and marked with its tender; each reply
to an invitation adds a new evaluation, and the latest one counts.

The **invitations** follow the engine's rounds (Make in India Order para 3A(c); MSE Order 2012
para 10): an officer issues the next invitation the latest evaluation names — one at a time — and
records the reply with its date; on a decline the engine names the next bidder.

The **award** is a decision on the latest evaluation, proposed by an officer once no invitation
is due or awaited, and approved or returned by another person (``services.decision_approve``:
maker-checker). Its approval supersedes the planning decision in the transparency figures. The
**contract** is recorded as signed after the award's approval.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from procurement import engine, mapping, selectors, services
from procurement.audit import audit_record
from procurement.models import (
    Bid,
    BidOpening,
    Comparison,
    ContractSigning,
    Decision,
    Department,
    MatchInvitation,
    MatchInvitationReply,
    TechnicalResult,
    Tender,
)
from procurement.selectors import User, comparison_results
from procurement.tendering import CONFLICT, offer_terms

# How long a bid's benchmark result counts as quality evidence from the day it was recorded.
BENCHMARK_VALID_DAYS = 365


def offer_id_of(bid: Bid) -> str:
    """The id a bid has as an offer in its tender's evaluations (``selectors.bid_offer_id``)."""
    return selectors.bid_offer_id(bid.pk)


def _require(user: User, permission: str, tender: Tender) -> tuple[Department, Account]:
    department, person = selectors.require_role(user, permission)
    if tender.department_id != department.pk:
        raise PermissionDenied(_("Not your department's tender."))
    return department, person


def bid_offer(
    bid: Bid, tender: Tender, result: TechnicalResult, w: engine.Workload
) -> engine.Offer:
    """A technically qualified bid as the engine's offer: its terms as recorded, the bidder's
    declared local content and MSE status in place of the catalogue's, and its benchmark result
    as its quality evidence in each of the workload's languages."""
    terms = offer_terms(bid.offer)
    on = timezone.localdate(result.recorded_at)
    provider = dataclasses.replace(
        terms.provider,
        provider_id=f"bidder-{bid.pk}",
        provider_name=bid.bidder_name,
        local_content_pct=bid.local_content_pct,
        mse_status="small" if bid.mse else "none",
    )
    evidence = tuple(
        engine.QualityEvaluation(
            use_case=w.use_case,
            language=language,
            score=result.benchmark_score,
            evaluator=f"Technical evaluation committee of tender {tender.reference}",
            evaluator_accredited=True,
            method=f"the tender's benchmark (pass mark {tender.pass_mark})",
            evaluated_on=on,
            valid_until=on + dt.timedelta(days=BENCHMARK_VALID_DAYS),
            is_demo=bid.is_demo,
        )
        for language in w.languages
    )
    return dataclasses.replace(
        terms,
        offer_id=offer_id_of(bid),
        name=f"{bid.bidder_name}: {terms.name}",
        provider=provider,
        evaluations=evidence,
        is_demo=terms.is_demo or bid.is_demo,
    )


def _replies(tender: Tender) -> list[engine.MatchReply]:
    answered = MatchInvitationReply.objects.filter(invitation__tender=tender).select_related(
        "invitation__bid"
    )
    return [
        engine.MatchReply(
            offer_id_of(r.invitation.bid),
            r.accepts,
            r.invitation.preference,  # type: ignore[arg-type]
        )
        for r in answered
    ]


@transaction.atomic
def evaluation_run(*, user: User, tender: Tender) -> Comparison:
    """An officer has the engine evaluate the tender's technically qualified bids (again, after
    a reply: the latest evaluation counts)."""
    department, person = _require(user, "procurement.add_comparison", tender)
    Tender.objects.select_for_update().filter(pk=tender.pk).values_list("pk").get()
    if not BidOpening.objects.filter(tender=tender).exists():
        raise ValidationError(_("The bids are not opened yet."), code=CONFLICT)
    if selectors.tender_award(tender) is not None:
        raise ValidationError(
            _("The award is proposed on the evaluation as it stands: it is not evaluated again."),
            code=CONFLICT,
        )
    bids = list(Bid.objects.filter(tender=tender).select_related("technical_result"))
    missing = [b.bidder_name for b in bids if not hasattr(b, "technical_result")]
    if missing:
        raise ValidationError(
            _("Record the technical result of every bid first: %(bidders)s.")
            % {"bidders": ", ".join(missing)},
            code=CONFLICT,
        )
    qualified = [b for b in bids if b.technical_result.qualified]
    if not qualified:
        raise ValidationError(
            _("No bid qualified technically: there is nothing to evaluate."), code=CONFLICT
        )
    planning = tender.planning_decision.comparison
    w = selectors.comparison_inputs(planning).workload
    scores: tuple[engine.TechnicalScore, ...] = ()
    if comparison_results(planning).evaluation_method == "qcbs":
        averaged = selectors.technical_scores(tender)
        if not averaged:
            raise ValidationError(
                _("Every member of the committee submits their marks first (QCBS)."),
                code=CONFLICT,
            )
        members = len(selectors.committee_of(tender))
        scores = tuple(
            engine.TechnicalScore(
                offer_id_of(b),
                averaged[b.pk],
                f"the average of the marks of the {members} members of the evaluation committee",
            )
            for b in qualified
        )
    pack = services.adopted_pack(department)
    today = timezone.localdate()
    policy = engine.load_policy(pack.document)
    offers = [bid_offer(b, tender, b.technical_result, w) for b in qualified]
    fx = mapping.fx_rates(today)
    replies = _replies(tender)
    try:
        result = engine.compare(
            w, offers, policy, fx, today, match_replies=replies, technical_scores=scores
        )
    except engine.EngineValidationError:
        error = services.refusal_in_reader_language(
            lambda: engine.compare(
                w, offers, policy, fx, today, match_replies=replies, technical_scores=scores
            )
        )
        raise ValidationError(
            {"bids": [f"{path}: {message}" for path, message in error.as_pairs()]}
        ) from None
    evaluation = services.comparison_store(
        user=person,
        workload=planning.workload,
        pack=pack,
        decision_date=today,
        inputs=(w, offers, policy, fx),
        result=result,
        match_replies=replies,
        technical_scores=scores,
        tender=tender,
    )
    audit_record(
        department=department,
        actor=person,
        action="tender.evaluated",
        obj=evaluation,
        summary=f"Evaluated the {len(qualified)} qualified bids of tender {tender.reference}: "
        f"{evaluation.recommended_name or 'no eligible bid'}",
        payload={
            "tender": tender.pk,
            "policy_pack": f"{pack.slug} v{pack.version}",
            "replies": len(replies),
            "fingerprint": evaluation.fingerprint,
        },
    )
    return evaluation


# Invitations to match L1 ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueInvitation:
    """The invitation the latest evaluation's rounds name next: the bid, the preference and the
    round (1 = the first invited)."""

    bid: Bid
    preference: str
    round: int


def due_invitation(tender: Tender, evaluation: Comparison) -> DueInvitation | None:
    """The first round of ``evaluation`` whose answer is still assumed (no reply recorded)."""
    results = comparison_results(evaluation)
    bids = {offer_id_of(b): b for b in Bid.objects.filter(tender=tender)}
    for pref in results.preferences:
        for r in pref.match_rounds:
            if r.answer == "assumed":
                return DueInvitation(bids[r.offer_id], pref.kind, r.round)
    return None


def awaited(tender: Tender) -> MatchInvitation | None:
    """The invitation issued and not yet answered, if any."""
    return (
        MatchInvitation.objects.filter(tender=tender, reply__isnull=True)
        .select_related("bid")
        .first()
    )


@transaction.atomic
def invitation_issue(*, user: User, tender: Tender) -> MatchInvitation:
    """An officer issues the invitation to match L1 the latest evaluation names, one at a
    time."""
    department, person = _require(user, "procurement.add_decision", tender)
    Tender.objects.select_for_update().filter(pk=tender.pk).values_list("pk").get()
    evaluation = selectors.latest_evaluation(tender)
    if evaluation is None:
        raise ValidationError(_("Evaluate the bids first."), code=CONFLICT)
    waiting = awaited(tender)
    if waiting is not None:
        raise ValidationError(
            _("Record %(bidder)s's reply to the invitation first.")
            % {"bidder": waiting.bid.bidder_name},
            code=CONFLICT,
        )
    due = due_invitation(tender, evaluation)
    if due is None:
        raise ValidationError(_("No invitation to match L1 is due."), code=CONFLICT)
    invitation = MatchInvitation.objects.create(
        tender=tender,
        bid=due.bid,
        preference=due.preference,
        evaluation=evaluation,
        issued_by=person,
    )
    audit_record(
        department=department,
        actor=person,
        action="tender.invitation_issued",
        obj=invitation,
        summary=f"Invited {due.bid.bidder_name} to match L1 (round {due.round}, "
        f"{invitation.get_preference_display()})",
        payload={"tender": tender.pk, "bid": due.bid.pk, "preference": due.preference},
    )
    return invitation


@transaction.atomic
def invitation_reply(
    *, user: User, invitation: MatchInvitation, accepts: bool, replied_on: dt.date
) -> Comparison:
    """An officer records a bidder's reply to its invitation, with the reply's date; the bids
    are evaluated again with it (the new evaluation is returned)."""
    tender = invitation.tender
    department, person = _require(user, "procurement.add_decision", tender)
    MatchInvitation.objects.select_for_update().filter(pk=invitation.pk).values_list("pk").get()
    if MatchInvitationReply.objects.filter(invitation=invitation).exists():
        raise ValidationError(_("This reply is recorded already."), code=CONFLICT)
    issued = timezone.localdate(invitation.issued_at)
    if replied_on < issued:
        raise ValidationError(
            {
                "replied_on": ValidationError(
                    _("The invitation was issued on %(date)s: a reply is dated on or after it.")
                    % {"date": date_format(issued, "d M Y")},
                    code=CONFLICT,
                )
            }
        )
    if replied_on > timezone.localdate():
        raise ValidationError(
            {"replied_on": ValidationError(_("A reply is recorded once received."), code=CONFLICT)}
        )
    MatchInvitationReply.objects.create(
        invitation=invitation, accepts=accepts, replied_on=replied_on, recorded_by=person
    )
    audit_record(
        department=department,
        actor=person,
        action="tender.invitation_answered",
        obj=invitation,
        summary=f"{invitation.bid.bidder_name} {'accepts' if accepts else 'declines'} to match "
        f"L1 (reply of {replied_on:%d %b %Y})",
        payload={"tender": tender.pk, "accepts": accepts, "replied_on": replied_on},
    )
    return evaluation_run(user=user, tender=tender)


# The award and the contract ---------------------------------------------------------------


@transaction.atomic
def award_propose(*, user: User, tender: Tender, offer_id: str = "", reason: str = "") -> Decision:
    """An officer proposes the award on the latest evaluation, once no invitation is due or
    awaited: the evaluation's award, or another eligible bid with a written reason."""
    _require(user, "procurement.add_decision", tender)
    Tender.objects.select_for_update().filter(pk=tender.pk).values_list("pk").get()
    evaluation = selectors.latest_evaluation(tender)
    if evaluation is None:
        raise ValidationError(_("Evaluate the bids first."), code=CONFLICT)
    if awaited(tender) is not None or due_invitation(tender, evaluation) is not None:
        raise ValidationError(
            _("Finish the invitations to match L1 first: the award follows the replies."),
            code=CONFLICT,
        )
    if Decision.objects.filter(
        comparison__tender=tender,
        status__in=[Decision.Status.PROPOSED, Decision.Status.APPROVED],
    ).exists():
        raise ValidationError(
            _("This tender already has an award awaiting or holding approval."), code=CONFLICT
        )
    chosen = offer_id or evaluation.recommended_offer_id
    return services.decision_propose(
        user=user,
        comparison=evaluation,
        offer_id=chosen,
        reason=reason,
        restricted=tender.planning_decision.restricted,
    )


@transaction.atomic
def contract_sign(
    *, user: User, tender: Tender, reference: str, signed_on: dt.date
) -> ContractSigning:
    """An officer records the contract signed with the awarded bidder, after the award's
    approval."""
    department, person = _require(user, "procurement.add_decision", tender)
    Tender.objects.select_for_update().filter(pk=tender.pk).values_list("pk").get()
    award = selectors.tender_award(tender)
    if award is None or award.status != Decision.Status.APPROVED:
        raise ValidationError(
            _("The contract is signed after the award's approval."), code=CONFLICT
        )
    if ContractSigning.objects.filter(tender=tender).exists():
        raise ValidationError(_("The contract is recorded as signed already."), code=CONFLICT)
    errors: dict[str, object] = {}
    reference = reference.strip()
    if not reference:
        errors["reference"] = _("Give the contract's number on the file.")
    elif len(reference) > 120:
        errors["reference"] = _("Keep it to %(limit)s characters.") % {"limit": 120}
    assert award.decided_at is not None
    approved_on = timezone.localdate(award.decided_at)
    if signed_on < approved_on:
        errors["signed_on"] = ValidationError(
            _("The award was approved on %(date)s: the contract is signed on or after it.")
            % {"date": date_format(approved_on, "d M Y")},
            code=CONFLICT,
        )
    elif signed_on > timezone.localdate():
        errors["signed_on"] = ValidationError(_("Record a contract once signed."), code=CONFLICT)
    if errors:
        raise ValidationError(errors)
    signing = ContractSigning.objects.create(
        tender=tender, award=award, reference=reference, signed_on=signed_on, recorded_by=person
    )
    audit_record(
        department=department,
        actor=person,
        action="tender.contract_signed",
        obj=signing,
        summary=f"Contract {reference} signed with {award.offer_name} on {signed_on:%d %b %Y}",
        payload={"tender": tender.pk, "award": award.pk, "signed_on": signed_on},
    )
    return signing
