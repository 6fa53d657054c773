"""Emails about awards, in plain words with a link: a proposal to the approvers of its department
(not the person who proposed it), an approval or a return to the person who proposed. And about
the community's submissions: a new one to the catalogue stewards, a review to the person who
submitted, an accreditation's coming expiry (30 days ahead, a daily beat job) to the evaluator
organisation's members.

The services hand these functions to ``transaction.on_commit`` with the decision's id, so a
message leaves only for a decision that was stored. Sending never undoes or fails a decision: a
mail server that refuses or does not answer (``EMAIL_TIMEOUT``) is logged, and the decision
stands; the inbox shows it either way. The backend and the SMTP server are settings
(``config/settings.py``: console under ``make run``, in-memory in the tests). Each email is
written in its recipient's language, the one they chose with the switcher (English if none).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User as Account
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from procurement import selectors
from procurement.audit import person_of
from procurement.models import (
    AccountLanguage,
    Accreditation,
    Benchmark,
    Decision,
    DomainNote,
    EvaluationSubmission,
    Measurement,
    ProviderChange,
    Review,
)

logger = logging.getLogger(__name__)


def _link(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args or None)


def _name(person: Any) -> str:
    return str(person.get_full_name() or person.username)


def _context(decision: Decision) -> dict[str, Any]:
    return {
        "decision": decision,
        "comparison": decision.comparison,
        "workload": decision.comparison.workload,
        "department": decision.department,
        "proposer": _name(person_of(decision.proposed_by)),
        "decider": _name(decision.decided_by) if decision.decided_by else "",
        "decision_url": _link("decision_detail", decision.pk),
        "comparison_url": _link("comparison_detail", decision.comparison_id),
        "inbox_url": _link("inbox"),
    }


def _language(person: Account) -> str:
    """The language the person chose with the switcher (kept on their account), else English."""
    code = AccountLanguage.objects.filter(user=person).values_list("language", flat=True).first()
    return code or str(settings.LANGUAGE_CODE)


def _message(template: str, context: dict[str, Any], to: Account) -> EmailMessage:
    """One email to one person (no one sees who else received it), in their own language."""
    with translation.override(_language(to)):
        subject, _, body = render_to_string(template, context).partition("\n")
    # A subject is one line, whatever a title holds.
    return EmailMessage(subject=" ".join(subject.split()), body=body.lstrip("\n"), to=[to.email])


def _send(messages: list[EmailMessage], what: str, decision_id: int) -> None:
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:  # any failure of the mail server; the decision is stored already
        logger.exception("Could not send the email about %s (decision %s)", what, decision_id)


def _decision(decision_id: int) -> Decision:
    return (
        Decision.objects.select_related(
            "department",
            "comparison__workload",
            "proposed_by__api_key__person",
            "decided_by",
        )
        .defer("comparison__snapshot")
        .get(pk=decision_id)
    )


def decision_proposed(decision_id: int) -> None:
    """Tell each approver of the department, but the person who proposed, what awaits them."""
    decision = _decision(decision_id)
    proposer = person_of(decision.proposed_by)
    context = _context(decision)
    messages = [
        _message(
            "procurement/email/decision_proposed.txt", {**context, "to": _name(approver)}, approver
        )
        for approver in selectors.department_approvers(decision.department)
        if proposer is None or approver.pk != proposer.pk
    ]
    _send(messages, "a proposal", decision_id)


def decision_decided(decision_id: int) -> None:
    """Tell the person who proposed that the award was approved or returned (with the note)."""
    decision = _decision(decision_id)
    proposer = person_of(decision.proposed_by)
    if not isinstance(proposer, Account) or not proposer.email or not proposer.is_active:
        return
    approved = decision.status == Decision.Status.APPROVED
    template = "decision_approved" if approved else "decision_returned"
    context = {**_context(decision), "to": _name(proposer)}
    message = _message(f"procurement/email/{template}.txt", context, proposer)
    _send([message], "an approval" if approved else "a return", decision_id)


# The community --------------------------------------------------------------------------------


def _people(queryset: Any) -> list[Account]:
    return [p for p in queryset if p.email and p.is_active]


def submission_received(kind: str, pk: int) -> None:
    """Tell each catalogue steward but the submitter that a submission awaits review (a
    measurement: that one was published, which a steward may promote or withdraw)."""
    submission: EvaluationSubmission | Benchmark | ProviderChange | Measurement | DomainNote
    if kind == "provider_change":
        submission = ProviderChange.objects.select_related("provider", "submitted_by").get(pk=pk)
        organisation = submission.provider.name
    elif kind == "measurement":
        submission = Measurement.objects.select_related("submitted_by__contributor").get(pk=pk)
        organisation = submission.submitted_by.contributor.affiliation
    elif kind == "domain_note":
        submission = DomainNote.objects.select_related("submitted_by").get(pk=pk)
        organisation = submission.affiliation
    elif kind == "evaluation":
        submission = EvaluationSubmission.objects.select_related("evaluator", "submitted_by").get(
            pk=pk
        )
        organisation = submission.evaluator.name
    else:
        submission = Benchmark.objects.select_related("evaluator", "submitted_by").get(pk=pk)
        organisation = submission.evaluator.name
    context = {
        "kind": kind,
        "submission": submission,
        "organisation": organisation,
        "submitter": _name(submission.submitted_by),
        "review_url": _link("community_review"),
    }
    messages = [
        _message(
            "procurement/email/submission_received.txt", {**context, "to": _name(steward)}, steward
        )
        for steward in _people(selectors.catalogue_stewards())
        if steward.pk != submission.submitted_by_id
    ]
    _send(messages, f"a {kind} submitted", pk)


# The page of each kind of submission, for the link in its review's message.
SUBMISSION_PAGE = {
    "evaluation": "community_evaluation",
    "benchmark": "community_benchmark",
    "provider_change": "community_provider_change",
    "measurement": "community_measurement",
    "domain_note": "community_domain_note",
}


def submission_reviewed(review_id: int) -> None:
    """Tell the person who submitted that it was accepted, or returned with the reasons."""
    review = Review.objects.select_related(
        *(f"{kind}__submitted_by" for kind in SUBMISSION_PAGE),
        "provider_change__provider",
        "measurement__offering",
        "reviewed_by",
    ).get(pk=review_id)
    kind = next(kind for kind in SUBMISSION_PAGE if getattr(review, f"{kind}_id"))
    submission = getattr(review, kind)
    to = submission.submitted_by
    if not to.email or not to.is_active:
        return
    context = {
        "to": _name(to),
        "review": review,
        "kind": kind,
        "submission": submission,
        "reviewer": _name(review.reviewed_by),
        "url": _link(SUBMISSION_PAGE[kind], submission.pk),
    }
    _send(
        [_message("procurement/email/submission_reviewed.txt", context, to)], "a review", review_id
    )


def accreditations_expiring(today: dt.date, days: int = 30) -> int:
    """Remind the members of each evaluator whose accreditation ends ``days`` from ``today``
    (and is not renewed by a later one covering it): how many emails left."""
    due = today + dt.timedelta(days=days)
    messages = []
    for accreditation in Accreditation.objects.filter(expires_on=due).select_related("evaluator"):
        renewed = Accreditation.objects.filter(
            evaluator=accreditation.evaluator, expires_on__gt=due
        )
        if any(
            set(accreditation.use_cases) <= set(later.use_cases)
            and set(accreditation.languages) <= set(later.languages)
            for later in renewed
        ):
            continue
        context = {
            "accreditation": accreditation,
            "evaluator": accreditation.evaluator,
            "url": _link("community_evaluator", accreditation.evaluator.slug),
        }
        for member in _people(selectors.evaluator_members(accreditation.evaluator)):
            messages.append(
                _message(
                    "procurement/email/accreditation_expiring.txt",
                    {**context, "to": _name(member)},
                    member,
                )
            )
    _send(messages, "accreditations expiring", 0)
    return len(messages)
