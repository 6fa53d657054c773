"""Writes for the officer's workflow: workloads, comparisons, decisions, document requests,
policy packs and usage reports (what an award served). Each runs in a transaction, checks the
actor's role and department, and appends an event to the department's audit chain
(``procurement.audit``) in that same transaction.

Every service is keyword-only and typed. Pages, the API, the admin and the management commands
call these; the other writes of the product are the document jobs (``procurement.documents``)
and department API keys (``procurement.api_keys``), which follow the same rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement import engine, labels, national, notifications, summary, usage, workload_fields
from procurement.audit import audit_record, person_of
from procurement.documents.bilingual import BILINGUAL
from procurement.documents.jobs import document_enqueue
from procurement.engine.bounds import MAX_MONEY
from procurement.engine.numbers import format_count, format_inr
from procurement.mapping import comparison_inputs, workload_input
from procurement.models import (
    ChangeProposal,
    Comparison,
    ComparisonResults,
    Decision,
    Department,
    JustificationDocument,
    OfferRuleCount,
    PolicyPack,
    Tender,
    UsageReport,
    Workload,
)
from procurement.selectors import (
    User,
    approved_decision,
    comparison_results,
    department_of,
    require_role,
)
from procurement.signing import signing_key
from procurement.workload_fields import WorkloadValues

SENSITIVITY = engine.SensitivityConfig(scenarios=2_000, seed=20_261_126)
# The code of a refusal by the object's state, not the input (the API answers it 409).
CONFLICT = "conflict"
OFFER_NOT_ELIGIBLE = gettext_lazy("Choose one of the offers that passed every rule.")
REASON_NEEDED = gettext_lazy("Say why the award departs from the recommendation; it goes on file.")
# What a person is told about another department's row, by the kind of row.
NOT_YOURS = {
    "workload": gettext_lazy("Not your department's workload."),
    "comparison": gettext_lazy("Not your department's comparison."),
    "decision": gettext_lazy("Not your department's decision."),
    "award": gettext_lazy("Not your department's award."),
}


def require_platform(user: User, permission: str) -> Account:
    """A person of a platform role — one who belongs to no department — holding ``permission``;
    PermissionDenied else. Data every department shares is changed only by such persons."""
    if not isinstance(user, Account) or not user.is_active or not user.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."))
    if department_of(user) is not None:
        raise PermissionDenied(
            _(
                "Data every department shares is changed by the platform's roles, which belong "
                "to no department."
            )
        )
    return user


def adopted_pack(department: Department) -> PolicyPack:
    """The policy pack version ``department`` has adopted; ValidationError if none."""
    if department.adopted_pack is None:
        raise ValidationError(
            _(
                "Your department has not adopted a policy pack version yet: its administrator or "
                "a policy officer adopts one on the policy pack's page."
            )
        )
    return department.adopted_pack


def _own(department: Department, owner_id: int, what: str) -> None:
    """PermissionDenied unless the row (a ``what`` of ``NOT_YOURS``) is the department's."""
    if owner_id != department.pk:
        raise PermissionDenied(str(NOT_YOURS[what]))


def refusal_in_reader_language(compare: Callable[[], object]) -> engine.EngineValidationError:
    """The engine's refusal of a computation whose results would be stored (so run in English,
    the language they are stored in), written again in the reader's language: the same call
    under it, which the engine refuses at the same check, before any result."""
    try:
        with labels.engine_in_reader_language():
            compare()
    except engine.EngineValidationError as error:
        return error
    raise AssertionError("the engine refused a computation in English only")


# Workloads ----------------------------------------------------------------------------------


def workload_check(values: WorkloadValues, pack: PolicyPack | None) -> None:
    """Raise ValidationError (per field) when the engine would refuse this workload alone, or,
    as a conflict (the department's state, not the input), when the policy pack version the
    department adopted refuses it (e.g. a QCBS weight above its cap)."""
    workload = workload_input(values)
    with labels.engine_in_reader_language():  # only checks: nothing of it is stored
        problems = engine.validate_workload(workload)
        code = None
        if not problems and pack is not None:
            policy = engine.load_policy(pack.document)
            problems = engine.validate_against_policy(workload, policy)
            code = CONFLICT
    if problems:
        errors: dict[str, list[ValidationError]] = {}
        for problem in problems:
            name = problem.path.removeprefix("workload.").split("[")[0].split(".")[0]
            key = name if name in workload_fields.FIELD_NAMES else "__all__"
            errors.setdefault(key, []).append(ValidationError(problem.message, code=code))
        raise ValidationError(errors)


def _save(workload: Workload, values: WorkloadValues) -> None:
    workload_fields.store(workload, values)
    workload.full_clean()
    workload_check(values, workload.department.adopted_pack)
    workload.save()


@transaction.atomic
def workload_create(
    *, user: User, values: WorkloadValues, copied_from: Workload | None = None
) -> Workload:
    """A new workload; ``copied_from``, the department's workload it started as a copy of
    (recorded with it)."""
    department, user = require_role(user, "procurement.add_workload")
    if copied_from is not None:
        _own(department, copied_from.department_id, "workload")
    workload = Workload(department=department, created_by=user)
    _save(workload, values)
    source = f" (a copy of “{copied_from.title}”)" if copied_from is not None else ""
    audit_record(
        department=department,
        actor=user,
        action="workload.created",
        obj=workload,
        summary=f"Created workload “{workload.title}”{source}",
        payload={
            **workload_fields.as_dict(values),
            **({"copied_from": copied_from.pk} if copied_from is not None else {}),
        },
    )
    return workload


@transaction.atomic
def workload_update(*, user: User, workload: Workload, values: WorkloadValues) -> Workload:
    """Edit a workload. Its comparisons keep the inputs they were run with (their snapshots).

    ``workload`` is locked and re-read, so a refused edit leaves it (and the caller's copy)
    as it was.
    """
    department, user = require_role(user, "procurement.change_workload")
    _own(department, workload.department_id, "workload")
    locked = Workload.objects.select_for_update().get(pk=workload.pk)
    if locked.status == Workload.Status.ARCHIVED:
        raise ValidationError(
            _("An archived workload cannot be edited: restore it first, or copy it."),
            code=CONFLICT,
        )
    before = workload_fields.as_dict(workload_fields.values_of(locked))
    _save(locked, values)
    after = workload_fields.as_dict(values)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit_record(
        department=department,
        actor=user,
        action="workload.updated",
        obj=locked,
        summary=f"Edited workload “{locked.title}” ({', '.join(changed) or 'no change'})",
        payload={"changed": changed},
    )
    return locked


@transaction.atomic
def workload_archive(*, user: User, workload: Workload) -> Workload:
    department, user = require_role(user, "procurement.change_workload")
    _own(department, workload.department_id, "workload")
    workload.status = Workload.Status.ARCHIVED
    workload.save(update_fields=["status", "updated_at"])
    audit_record(
        department=department,
        actor=user,
        action="workload.archived",
        obj=workload,
        summary=f"Archived “{workload.title}”",
        payload={},
    )
    return workload


@transaction.atomic
def workload_unarchive(*, user: User, workload: Workload) -> Workload:
    """Undo the archiving of a workload: it can be edited and compared again."""
    department, user = require_role(user, "procurement.change_workload")
    _own(department, workload.department_id, "workload")
    locked = Workload.objects.select_for_update().get(pk=workload.pk)
    if locked.status != Workload.Status.ARCHIVED:
        raise ValidationError(
            _("“%(title)s” is not archived.") % {"title": locked.title}, code=CONFLICT
        )
    locked.status = Workload.Status.ACTIVE
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        department=department,
        actor=user,
        action="workload.unarchived",
        obj=locked,
        summary=f"Restored “{locked.title}” from the archive",
        payload={},
    )
    return locked


# Comparisons --------------------------------------------------------------------------------


@transaction.atomic
def comparison_run(
    *,
    user: User,
    workload: Workload,
    decision_date: dt.date | None = None,
    match_declines: Sequence[str] = (),
) -> Comparison:
    """Run the engine on the whole catalogue for ``workload`` and store the snapshot, and its
    results once more on their own, in one transaction.

    The rules are those of the policy pack version the department adopted.

    ``match_declines`` names the Class-I offers the officer assumes would decline an invitation
    to match L1 (Make in India para 3A(c)); every other invited offer is assumed to accept.

    The snapshot holds every input exactly as the engine used it and the results, and the
    signature of its fingerprint by the product's key (without a usable key nothing is stored:
    ``ImproperlyConfigured``); neither row is ever updated afterwards (on PostgreSQL a trigger
    refuses it).
    """
    department, user = require_role(user, "procurement.add_comparison")
    _own(department, workload.department_id, "workload")
    if workload.status == Workload.Status.ARCHIVED:
        raise ValidationError(
            _("An archived workload cannot be compared: restore it first, or copy it."),
            code=CONFLICT,
        )
    decision_date = decision_date or timezone.localdate()
    pack = adopted_pack(department)
    if decision_date < pack.effective_from:
        # The department's adopted pack refuses the date: a conflict, as every refusal by the
        # adopted pack is (a 409 in the API).
        raise ValidationError(
            {
                "decision_date": ValidationError(
                    _(
                        "The policy pack version your department adopted (%(pack)s version "
                        "%(version)s) is in force from %(date)s: the decision date is before it."
                    )
                    % {
                        "pack": pack.slug,
                        "version": pack.version,
                        "date": date_format(pack.effective_from, "d M Y"),
                    },
                    code=CONFLICT,
                )
            }
        )
    inputs = comparison_inputs(workload_fields.values_of(workload), pack, decision_date)
    replies = [engine.MatchReply(offer_id, accepts=False) for offer_id in match_declines]
    try:
        result = engine.compare(
            *inputs, decision_date, match_replies=replies, sensitivity=SENSITIVITY
        )
    except engine.EngineValidationError:
        error = refusal_in_reader_language(
            lambda: engine.compare(
                *inputs, decision_date, match_replies=replies, sensitivity=SENSITIVITY
            )
        )
        # The workload was valid when saved and the declines are strings: what the engine
        # refuses is their meeting with today's catalogue and pack (an offer priced above the
        # cost ceiling, an offer not in the catalogue) — a conflict, as every refusal by the
        # adopted pack is (a 409 in the API).
        problems: dict[str, list[ValidationError]] = {}
        for path, message in error.as_pairs():
            field = "match_declines" if path.startswith("match_replies") else "workload"
            problems.setdefault(field, []).append(
                ValidationError(f"{path}: {message}", code=CONFLICT)
            )
        raise ValidationError(problems) from None
    comparison = comparison_store(
        user=user,
        workload=workload,
        pack=pack,
        decision_date=decision_date,
        inputs=inputs,
        result=result,
        match_replies=replies,
        sensitivity=SENSITIVITY,
    )
    _count_offer_rules(result, timezone.localdate())
    audit_record(
        department=department,
        actor=user,
        action="comparison.created",
        obj=comparison,
        summary=f"Compared {len(result.offers)} offers for “{workload.title}”: "
        f"{comparison.recommended_name or 'no eligible offer'}",
        payload={
            "workload": workload.pk,
            "policy_pack": f"{pack.slug} v{pack.version}",
            "decision_date": decision_date,
            "match_declines": sorted(match_declines),
            "fingerprint": comparison.fingerprint,
        },
    )
    return comparison


def comparison_store(
    *,
    user: Account,
    workload: Workload,
    pack: PolicyPack,
    decision_date: dt.date,
    inputs: tuple[engine.Workload, list[engine.Offer], engine.Policy, list[engine.FxRate]],
    result: engine.ComparisonResult,
    match_replies: Sequence[engine.MatchReply] = (),
    sensitivity: engine.SensitivityConfig | None = None,
    technical_scores: Sequence[engine.TechnicalScore] = (),
    tender: Tender | None = None,
) -> Comparison:
    """Store a run of the engine: the signed snapshot and its results, once, never updated (on
    PostgreSQL a trigger refuses it); without a usable signing key nothing is stored
    (``ImproperlyConfigured``). ``tender`` marks an evaluation of that tender's bids. The
    caller holds the transaction and writes the audit event."""
    key = signing_key()
    snapshot = engine.sign_snapshot(
        engine.build_snapshot(
            *inputs,
            decision_date,
            match_replies=match_replies,
            sensitivity=sensitivity,
            technical_scores=technical_scores,
            result=result,
        ),
        key,
    )
    award = result.recommendation.award
    awarded = result.offer(award.offer_id) if award.offer_id else None
    comparison = Comparison.objects.create(
        department=workload.department,
        workload=workload,
        tender=tender,
        policy_pack=pack,
        decision_date=decision_date,
        snapshot=engine.canonical_json(snapshot).decode("utf-8"),
        fingerprint=str(snapshot["fingerprint"]),
        engine_version=result.engine_version,
        offer_count=len(result.offers),
        eligible_count=sum(1 for o in result.offers if o.eligible),
        recommended_offer_id=award.offer_id or "",
        recommended_name=awarded.name if awarded else "",
        recommended_total_inr=award.cost_inr,
        mechanism=award.mechanism,
        uses_demo_data=result.uses_demo_data,
        created_by=user,
    )
    ComparisonResults.objects.create(
        comparison=comparison,
        json_zlib=ComparisonResults.pack(engine.canonical_json(snapshot["results"])),
    )
    return comparison


# One more comparison of the day for each offer, and for each rule it failed (the provider's
# view of what to fix: procurement.selectors.provider_failures). A row per offer, day and rule,
# added to in place by the database, so concurrent comparisons never lose a count.
COUNT_OFFER_RULE = f"""
INSERT INTO {OfferRuleCount._meta.db_table} (offer_id, day, rule, comparisons)
VALUES (%s, %s, %s, 1)
ON CONFLICT (offer_id, day, rule)
DO UPDATE SET comparisons = {OfferRuleCount._meta.db_table}.comparisons + 1
"""


def _count_offer_rules(result: engine.ComparisonResult, day: dt.date) -> None:
    rows = []
    for offer in result.offers:
        rows.append((offer.offer_id, day, ""))
        failed = {o.code for o in offer.outcomes if o.status == "fail"}
        rows += [(offer.offer_id, day, code) for code in sorted(failed)]
    with connection.cursor() as cursor:
        cursor.executemany(COUNT_OFFER_RULE, rows)


# Decisions (maker-checker) ------------------------------------------------------------------


@transaction.atomic
def decision_propose(
    *,
    user: User,
    comparison: Comparison,
    offer_id: str,
    reason: str = "",
    restricted: bool | None = None,
) -> Decision:
    """An officer proposes the award: the recommendation, or another eligible offer with a
    written reason. ``restricted`` (by default: the department's sector is restricted, e.g.
    defence and security) keeps the award out of every published figure below the national
    totals."""
    department, user = require_role(user, "procurement.add_decision")
    _own(department, comparison.department_id, "comparison")
    results = comparison_results(comparison)
    offer = next((o for o in results.offers if o.offer_id == offer_id), None)
    if offer is None or not offer.eligible:
        raise ValidationError({"offer_id": ValidationError(OFFER_NOT_ELIGIBLE, code=CONFLICT)})
    follows = offer_id == results.recommendation.award.offer_id
    reason = reason.strip()
    if not follows and not reason:
        raise ValidationError({"reason": ValidationError(REASON_NEEDED, code=CONFLICT)})
    # Proposals for one comparison take turns (the row is locked, never updated), so of two at
    # once the second finds the first and is refused in words, not by the unique constraint.
    Comparison.objects.select_for_update().filter(pk=comparison.pk).values_list("pk").get()
    if Decision.objects.filter(
        comparison=comparison, status__in=[Decision.Status.PROPOSED, Decision.Status.APPROVED]
    ).exists():
        raise ValidationError(
            _("This comparison already has a proposal awaiting or holding approval."),
            code=CONFLICT,
        )
    decision = Decision.objects.create(
        department=department,
        comparison=comparison,
        offer_id=offer_id,
        offer_name=offer.name,
        follows_recommendation=follows,
        reason=reason,
        proposed_by=user,
        restricted=(
            department.sector in Department.RESTRICTED_SECTORS if restricted is None else restricted
        ),
    )
    audit_record(
        department=department,
        actor=user,
        action="decision.proposed",
        obj=decision,
        summary=f"Proposed {offer.name}"
        + ("" if follows else " (departs from the recommendation)"),
        payload={
            "comparison": comparison.pk,
            "fingerprint": comparison.fingerprint,
            "offer_id": offer_id,
            "follows_recommendation": follows,
            "reason": reason,
            "restricted": decision.restricted,
        },
    )
    transaction.on_commit(lambda: notifications.decision_proposed(decision.pk))
    return decision


def proposed_by_same_person(user: User, decision: Decision) -> bool:
    """Whether the person behind ``user`` (``audit.person_of``: a key's holder) proposed
    ``decision``, through whichever account."""
    actor = user if isinstance(user, Account) else None
    return person_of(decision.proposed_by) == person_of(actor)


def may_review(user: User, decision: Decision) -> bool:
    """Whether ``user`` may approve or return ``decision`` now (what the pages offer)."""
    return (
        decision.status == Decision.Status.PROPOSED
        and isinstance(user, Account)
        and user.has_perm("procurement.approve_decision")
        and not proposed_by_same_person(user, decision)
    )


def _decide(user: User, decision: Decision, status: str, note: str) -> Decision:
    """Approve or return a proposal: not by the person who proposed it, whichever accounts
    (their sign-in, any of their API keys) proposed and decide (``audit.person_of``)."""
    department, user = require_role(user, "procurement.approve_decision")
    _own(department, decision.department_id, "decision")
    if proposed_by_same_person(user, decision):
        raise PermissionDenied(
            _(
                "The person who proposed an award cannot also approve or return it, whether "
                "signed in or through any API key they hold."
            )
        )
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status != Decision.Status.PROPOSED:
        raise ValidationError(
            _("This decision is already %(status)s.")
            % {"status": locked.get_status_display().lower()},
            code=CONFLICT,
        )
    note = note.strip()
    if status == Decision.Status.RETURNED and not note:
        raise ValidationError({"note": _("Say why it is returned, so the officer can act on it.")})
    locked.status = status
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    verb = "approved" if status == Decision.Status.APPROVED else "returned"
    audit_record(
        department=department,
        actor=user,
        action=f"decision.{verb}",
        obj=locked,
        summary=f"{verb.capitalize()} the award to {locked.offer_name}",
        payload={"comparison": locked.comparison_id, "offer_id": locked.offer_id, "note": note},
    )
    transaction.on_commit(lambda: notifications.decision_decided(locked.pk))
    return locked


@transaction.atomic
def decision_approve(*, user: User, decision: Decision, note: str = "") -> Decision:
    """Approve a proposal, and queue the file note's final version in the same transaction
    (rendered after commit, as every document is): earlier documents become drafts. A tender's
    award (a decision on an evaluation of its bids) has no file note of its own: the planning
    decision's is on file."""
    approved = _decide(user, decision, Decision.Status.APPROVED, note)
    assert approved.decided_by is not None  # an approval names who decided
    if approved.comparison.tender_id is None:
        _document_queue(approved.department, approved.decided_by, approved.comparison, final=True)
    summary.award_approved(approved.pk)
    return approved


@transaction.atomic
def decision_return(*, user: User, decision: Decision, note: str) -> Decision:
    return _decide(user, decision, Decision.Status.RETURNED, note)


# Justification documents --------------------------------------------------------------------


@transaction.atomic
def document_request(
    *, user: User, comparison: Comparison, language: str = BILINGUAL
) -> JustificationDocument:
    """Queue the file note (a PDF) of ``comparison`` in ``language`` (Hindi and English: one
    bilingual PDF, as section 3(3) of the Official Languages Act, 1963 requires), once.

    Before the award is approved the document is a draft; once it is approved, the final one
    (which the approval itself queues). Idempotent per comparison, language and edition: while
    a document is queued, rendering or ready, asking again returns it (a retry after a lost
    answer makes no duplicate); only a failed one is requested anew. Concurrent requests queue
    behind a lock on the comparison's row.

    The document row is written in the request's transaction (an outbox) and the rendering job
    is enqueued only after it commits, so a job is never enqueued for a row that does not exist;
    a message that cannot be handed over (the broker is down) or is lost is found again by the
    sweeper. Without Redis the job runs eagerly, at commit, in this process.
    """
    department, user = require_role(user, "procurement.add_justificationdocument")
    _own(department, comparison.department_id, "comparison")
    Comparison.objects.select_for_update().filter(pk=comparison.pk).first()
    final = approved_decision(comparison) is not None
    return _document_queue(department, user, comparison, language=language, final=final)


def _document_queue(
    department: Department,
    user: Account,
    comparison: Comparison,
    *,
    language: str = BILINGUAL,
    final: bool,
) -> JustificationDocument:
    """The document of ``comparison`` in ``language`` and edition (draft or final), queued
    unless one is already queued, rendering or ready (the caller holds the transaction)."""
    existing = (
        JustificationDocument.objects.filter(
            comparison=comparison,
            kind=JustificationDocument.Kind.FILE_NOTE,
            language=language,
            final=final,
        )
        .exclude(status=JustificationDocument.Status.FAILED)
        .order_by("requested_at")
        .first()
    )
    if existing is not None:
        return existing
    document = JustificationDocument.objects.create(
        department=department,
        comparison=comparison,
        language=language,
        final=final,
        requested_by=user,
        enqueued_at=timezone.now(),
    )
    edition = "final" if final else "draft"
    audit_record(
        department=department,
        actor=user,
        action="document.requested",
        obj=document,
        summary=f"Requested the {edition} file note of comparison {comparison.pk}",
        payload={
            "comparison": comparison.pk,
            "fingerprint": comparison.fingerprint,
            "final": final,
        },
    )
    document_id = str(document.pk)
    transaction.on_commit(lambda: document_enqueue(document_id))
    return document


# Policy packs -------------------------------------------------------------------------------


def policy_document_check(document: Any) -> engine.Policy:
    """Validate a policy document; ValidationError messages name the JSON path of each problem."""
    if not isinstance(document, dict):
        raise ValidationError({"document": _("The policy must be a JSON object.")})
    try:
        with labels.engine_in_reader_language():
            return engine.load_policy(document)
    except engine.EngineValidationError as exc:
        raise ValidationError(
            {"document": [f"{path}: {message}" for path, message in exc.as_pairs()]}
        ) from None


@transaction.atomic
def policy_pack_save_draft(*, user: User, pack: PolicyPack, document: dict[str, Any]) -> PolicyPack:
    """Create or edit a draft version (the policy authority); a published version is never
    changed, nor a draft whose publication awaits approval."""
    user = require_platform(user, "procurement.change_policypack")
    if (
        pack.pk
        and PolicyPack.objects.filter(pk=pack.pk, status=PolicyPack.Status.PUBLISHED).exists()
    ):
        raise ValidationError(_("A published version never changes: create a new version."))
    if (
        pack.pk
        and ChangeProposal.objects.filter(
            policy_pack=pack, status=ChangeProposal.Status.PROPOSED
        ).exists()
    ):
        raise ValidationError(
            _("This draft's publication awaits approval: it changes only once that is decided.")
        )
    document = {**document, "pack_id": pack.slug, "version": pack.version}
    policy = policy_document_check(document)
    pack.document = engine.policy_to_dict(policy)
    pack.title = policy.title
    pack.effective_from = policy.effective_from
    pack.status = PolicyPack.Status.DRAFT
    if not pack.pk:
        pack.created_by = user
    pack.full_clean()
    pack.save()
    return pack


@transaction.atomic
def policy_pack_new_version(*, user: User, source: PolicyPack) -> PolicyPack:
    """A draft copy of ``source`` with the next version number (the policy authority)."""
    require_platform(user, "procurement.add_policypack")
    latest = PolicyPack.objects.filter(slug=source.slug).order_by("-version").first()
    draft = PolicyPack(slug=source.slug, version=latest.version + 1 if latest else 1)
    return policy_pack_save_draft(user=user, pack=draft, document=source.document)


@transaction.atomic
def policy_pack_adopt(*, user: User, pack: PolicyPack) -> Department:
    """The department's administrator or a policy officer adopts a published version: its
    comparisons use it from now on (earlier comparisons keep the version they ran under)."""
    department, user = require_role(user, "procurement.adopt_policypack")
    if not PolicyPack.objects.filter(pk=pack.pk, status=PolicyPack.Status.PUBLISHED).exists():
        raise ValidationError(_("Only a published version can be adopted."))
    locked = Department.objects.select_for_update().get(pk=department.pk)
    previous = locked.adopted_pack
    if previous == pack:
        raise ValidationError(
            _("Your department already uses %(pack)s version %(version)s.")
            % {"pack": pack.slug, "version": pack.version}
        )
    locked.adopted_pack = pack
    locked.save(update_fields=["adopted_pack"])
    audit_record(
        department=locked,
        actor=user,
        action="policy_pack.adopted",
        obj=pack,
        summary=f"Adopted policy pack {pack.slug} version {pack.version}"
        + (f" (was {previous.slug} version {previous.version})" if previous else ""),
        payload={
            "pack": pack.slug,
            "version": pack.version,
            "previous": f"{previous.slug} v{previous.version}" if previous else None,
        },
    )
    return locked


# Usage reports (what an awarded contract served) -----------------------------------------------

# A quarter's requests or tokens above this (a thousand lakh crore) is a mistake, not a figure.
MAX_USAGE_COUNT = 10**15
USAGE_COUNTS = ("requests", "input_tokens", "output_tokens")
CORRECTION_NOTE = gettext_lazy(
    "This quarter of this award is already reported: say in the note why the figures are "
    "corrected; it goes on file with them."
)


def _usage_problems(
    decision: Decision,
    *,
    quarter: str,
    counts: dict[str, int],
    invoiced_inr: Decimal,
    note: str,
    today: dt.date,
    earlier: UsageReport | None,
) -> dict[str, list[ValidationError]]:
    """Every rule a report of ``decision`` breaks, by field. A conflict (the API's 409) is a
    rule of the award's state rather than of the figures: not approved, a quarter not begun or
    outside the contract, a correction without its note."""
    errors: dict[str, list[ValidationError]] = {}

    def refuse(name: str, message: str, code: str | None = None) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    if decision.status != Decision.Status.APPROVED:
        refuse(
            "award",
            _(
                "Award %(award)s is %(status)s, not approved: usage is reported only for approved "
                "awards."
            )
            % {"award": decision.pk, "status": decision.get_status_display().lower()},
            CONFLICT,
        )
    if national.parse_quarter(quarter) is None:
        refuse(
            "quarter",
            _(
                "“%(quarter)s” is not a quarter: write it as YYYY-Qn, e.g. 2026-Q3 for July to "
                "September 2026."
            )
            % {"quarter": quarter},
        )
    elif national.quarter_bounds(quarter)[0] > today:
        refuse(
            "quarter",
            _("%(quarter)s has not begun: a quarter is reported once it has begun.")
            % {"quarter": national.quarter_label(quarter)},
            CONFLICT,
        )
    elif decision.status == Decision.Status.APPROVED:
        start, end = usage.contract_period(decision)
        if not usage.in_contract(quarter, start, end):
            last = end - dt.timedelta(days=1)
            refuse(
                "quarter",
                _("%(quarter)s is outside the contract, which runs from %(start)s to %(last)s.")
                % {
                    "quarter": national.quarter_label(quarter),
                    "start": date_format(start, "d M Y"),
                    "last": date_format(last, "d M Y"),
                },
                CONFLICT,
            )
    for name in USAGE_COUNTS:
        value = counts[name]
        if not isinstance(value, int) or isinstance(value, bool):
            refuse(name, _("Must be a whole number."))
        elif value < 0:
            refuse(
                name, _("Cannot be negative (it is %(value)s).") % {"value": format_count(value)}
            )
        elif value > MAX_USAGE_COUNT:
            refuse(
                name,
                _("%(value)s is more than %(most)s in one quarter: check the figure.")
                % {"value": format_count(value), "most": format_count(MAX_USAGE_COUNT)},
            )
    if (
        not errors.keys() & set(USAGE_COUNTS)
        and counts["requests"] == 0
        and counts["input_tokens"] + counts["output_tokens"] > 0
    ):
        refuse(
            "requests",
            _(
                "Tokens are reported with no requests: give the number of requests served, or 0 "
                "tokens."
            ),
        )
    if not isinstance(invoiced_inr, Decimal) or not invoiced_inr.is_finite():
        refuse("invoiced_inr", _("Must be an amount in rupees, e.g. 125000.50."))
    elif invoiced_inr < 0:
        refuse(
            "invoiced_inr",
            _("Cannot be negative (it is %(value)s).") % {"value": format_inr(invoiced_inr, None)},
        )
    elif invoiced_inr.as_tuple().exponent < -2:  # type: ignore[operator]
        refuse(
            "invoiced_inr",
            _("%(amount)s has more than two decimal places: rupees and paise.")
            % {"amount": invoiced_inr},
        )
    elif invoiced_inr > MAX_MONEY:
        refuse(
            "invoiced_inr",
            _("%(amount)s is more than %(most)s: check the figure.")
            % {"amount": format_inr(invoiced_inr), "most": format_inr(MAX_MONEY)},
        )
    if len(note) > UsageReport._meta.get_field("note").max_length:  # type: ignore[operator]
        refuse("note", _("At most 1,000 characters."))
    elif earlier is not None and not note:
        refuse("note", str(CORRECTION_NOTE), CONFLICT)
    return errors


def _latest_report(decision: Decision, quarter: str) -> UsageReport | None:
    return (
        UsageReport.objects.filter(decision=decision, quarter=quarter)
        .order_by("-reported_at", "-pk")
        .first()
    )


def _usage_store(
    department: Department,
    user: Account,
    decision: Decision,
    row: usage.UsageRow,
    source: str,
    earlier: UsageReport | None,
) -> UsageReport:
    report = UsageReport.objects.create(
        decision=decision,
        department=department,
        quarter=row.quarter,
        requests=row.requests,
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        invoiced_inr=row.invoiced_inr,
        note=row.note,
        source=source,
        corrects=earlier,
        reported_by=user,
    )
    label = national.quarter_label(row.quarter)
    audit_record(
        department=department,
        actor=user,
        action="usage.corrected" if earlier else "usage.reported",
        obj=report,
        summary=(
            f"{'Corrected' if earlier else 'Reported'} the use of the award to "
            f"{decision.offer_name} in {label}: {format_count(row.requests)} requests, "
            f"{format_inr(row.invoiced_inr)} invoiced"
        ),
        payload={
            "decision": decision.pk,
            "quarter": row.quarter,
            "requests": row.requests,
            "input_tokens": row.input_tokens,
            "output_tokens": row.output_tokens,
            "invoiced_inr": row.invoiced_inr,
            "note": row.note,
            "source": source,
            "corrects": earlier.pk if earlier else None,
        },
    )
    return report


@transaction.atomic
def usage_report(
    *,
    user: User,
    decision: Decision,
    quarter: str,
    requests: int,
    input_tokens: int,
    output_tokens: int,
    invoiced_inr: Decimal,
    note: str = "",
    source: str,
) -> UsageReport:
    """What an approved award served in one quarter (one that has begun, within its contract).
    A second report of the same quarter is a correction: it names the latest earlier report
    (``corrects``) and needs a note saying why. Insert-only; an event on the department's chain;
    the dashboard's usage cells are refreshed after commit."""
    department, account = require_role(user, "procurement.add_usagereport")
    _own(department, decision.department_id, "award")
    # Reports of one award take turns, so two corrections at once each name the one before.
    locked = (
        Decision.objects.select_related("award_fact", "comparison")
        .defer("comparison__snapshot")
        .select_for_update(of=("self",))
        .get(pk=decision.pk)
    )
    note = note.strip()
    earlier = _latest_report(locked, quarter)
    errors = _usage_problems(
        locked,
        quarter=quarter,
        counts={"requests": requests, "input_tokens": input_tokens, "output_tokens": output_tokens},
        invoiced_inr=invoiced_inr,
        note=note,
        today=timezone.localdate(),
        earlier=earlier,
    )
    if errors:
        raise ValidationError(errors)
    row = usage.UsageRow(
        0, locked.pk, quarter, requests, input_tokens, output_tokens, invoiced_inr, note
    )
    report = _usage_store(department, account, locked, row, source, earlier)
    summary.usage_reported([quarter])
    return report


def _usage_rows_problems(
    department: Department, rows: Sequence[usage.UsageRow], *, lock: bool
) -> tuple[list[usage.RowProblem], dict[int, Decision], dict[tuple[int, str], UsageReport]]:
    """The problems of an upload's rows; the department's awards they name; and the latest
    report of each award and quarter already on file."""
    ids = {row.award for row in rows}
    awards = (
        Decision.objects.select_related("award_fact", "comparison")
        .defer("comparison__snapshot")
        .filter(pk__in=ids, department=department)
    )
    if lock:
        awards = awards.select_for_update(of=("self",))
    found = {award.pk: award for award in awards.order_by("pk")}
    latest: dict[tuple[int, str], UsageReport] = {}
    for report in UsageReport.objects.filter(decision_id__in=found).order_by("reported_at", "pk"):
        latest[(report.decision_id, report.quarter)] = report
    today = timezone.localdate()
    seen: dict[tuple[int, str], int] = {}
    problems: list[usage.RowProblem] = []
    for row in rows:
        decision = found.get(row.award)
        if decision is None:
            problems.append(
                usage.RowProblem(
                    row.row,
                    "award",
                    _(
                        "No award %(award)s in your department: copy the award's number from the "
                        "template or the awards page."
                    )
                    % {"award": row.award},
                )
            )
            continue
        first = seen.setdefault((row.award, row.quarter), row.row)
        if first != row.row:
            problems.append(
                usage.RowProblem(
                    row.row,
                    "quarter",
                    _(
                        "Award %(award)s and %(quarter)s are already in row %(row)s: one row per "
                        "award and quarter."
                    )
                    % {"award": row.award, "quarter": row.quarter, "row": first},
                )
            )
            continue
        errors = _usage_problems(
            decision,
            quarter=row.quarter,
            counts={
                "requests": row.requests,
                "input_tokens": row.input_tokens,
                "output_tokens": row.output_tokens,
            },
            invoiced_inr=row.invoiced_inr,
            note=row.note.strip(),
            today=today,
            earlier=latest.get((row.award, row.quarter)),
        )
        problems += [
            usage.RowProblem(row.row, name, message)
            for name, messages in errors.items()
            for error in messages
            for message in error.messages
        ]
    return problems, found, latest


def usage_rows_check(*, user: User, rows: Sequence[usage.UsageRow]) -> list[usage.RowProblem]:
    """The problems of an upload's rows, saving nothing: for listing every problem of a file
    at once when some of its rows could not even be read."""
    department, _account = require_role(user, "procurement.add_usagereport")
    return _usage_rows_problems(department, rows, lock=False)[0]


@transaction.atomic
def usage_upload(*, user: User, rows: Sequence[usage.UsageRow]) -> list[UsageReport]:
    """Store an upload's reports, all or none: every row is checked as ``usage_report`` checks
    one (and no award and quarter twice), and any problem refuses the whole file, each problem
    named by its row and column."""
    department, account = require_role(user, "procurement.add_usagereport")
    if not rows:
        raise ValidationError(_("The file has no rows of usage."))
    problems, awards, latest = _usage_rows_problems(department, rows, lock=True)
    if problems:
        raise ValidationError([ValidationError(str(problem)) for problem in problems])
    reports = [
        _usage_store(
            department,
            account,
            awards[row.award],
            dataclasses.replace(row, note=row.note.strip()),
            UsageReport.Source.UPLOAD,
            latest.get((row.award, row.quarter)),
        )
        for row in rows
    ]
    summary.usage_reported(row.quarter for row in rows)
    return reports
