"""Writes for the officer's workflow. Every business write goes through here, in a transaction,
and records an audit event in the department's hash chain.

Audit chain: a department's events are numbered from 1; ``content_hash`` is the SHA-256 of the
event's canonical content and ``chain_hash`` = SHA-256(previous chain_hash ‖ content_hash), the
first link chaining from ``GENESIS_PREFIX + department slug``. Appends are serialised by locking
the department row, so two requests never chain from the same link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from procurement import engine
from procurement.models import (
    AuditEvent,
    Comparison,
    Decision,
    Department,
    JustificationDocument,
    PolicyPack,
    Workload,
)
from procurement.selectors import comparison_inputs, department_of, published_pack

GENESIS_PREFIX = "genesis:"
# The largest total a comparison's summary column (numeric 18,2) holds: ₹99,99,999 crore.
LARGEST_RECORDED_INR = Decimal("9999999999999999.99")
SENSITIVITY = engine.SensitivityConfig(scenarios=2_000, seed=20_261_126)


def canonical(document: Any) -> str:
    """Canonical JSON text: sorted keys, compact, UTF-8, Decimals and dates as strings."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def audit_content(event: AuditEvent) -> str:
    """The canonical content an event's ``content_hash`` covers (verify_audit_chain reuses it)."""
    return canonical(
        {
            "department": event.department.slug,
            "sequence": event.sequence,
            "action": event.action,
            "actor": event.actor_name,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "summary": event.summary,
            "payload": json.loads(event.payload),
            "created_at": event.created_at.isoformat(),
        }
    )


def chain_link(previous: str, content_hash: str) -> str:
    return sha256(previous + content_hash)


def genesis(department: Department) -> str:
    return sha256(GENESIS_PREFIX + department.slug)


def audit_record(
    department: Department,
    actor: AbstractBaseUser | None,
    action: str,
    obj: Any,
    summary: str,
    payload: dict[str, Any],
) -> AuditEvent:
    """Append one event to the department's chain. Call inside the transaction of the change."""
    Department.objects.select_for_update().get(pk=department.pk)
    last = AuditEvent.objects.filter(department=department).order_by("-sequence").first()
    event = AuditEvent(
        department=department,
        sequence=(last.sequence + 1) if last else 1,
        action=action,
        actor=actor,
        actor_name=actor.get_username() if actor else "system",
        object_type=type(obj).__name__.lower(),
        object_id=str(obj.pk),
        summary=summary[:500],
        payload=canonical(payload),
        created_at=timezone.now(),
    )
    event.content_hash = sha256(audit_content(event))
    event.chain_hash = chain_link(
        last.chain_hash if last else genesis(department), event.content_hash
    )
    event.save(force_insert=True)
    return event


def _require(user: AbstractBaseUser, permission: str) -> Department:
    department = department_of(user)
    if department is None or not user.has_perm(permission):
        raise PermissionDenied("Your role does not allow this.")
    return department


# Workloads ----------------------------------------------------------------------------------

WORKLOAD_FIELDS = (
    "title",
    "description",
    "use_case",
    "languages",
    "requests_per_day",
    "mean_input_tokens",
    "mean_output_tokens",
    "cached_input_share_pct",
    "annual_growth_pct",
    "peak_to_average",
    "term_years",
    "start_date",
    "data_classification",
    "max_p95_latency_ms",
    "min_availability_pct",
    "estimated_value_inr",
    "procurement_category",
    "evaluation_method",
    "qcbs_technical_weight_pct",
    "quality_oriented_procurement_declared",
    "global_tender_approved",
    "buyer_gst_registered_business_use",
)


def _workload_payload(workload: Workload) -> dict[str, Any]:
    return {name: getattr(workload, name) for name in WORKLOAD_FIELDS}


def workload_check(workload: Workload) -> None:
    """Raise ValidationError (per field) when the engine would refuse this workload."""
    from procurement.selectors import workload_document

    try:
        engine.load_workload(workload_document(workload))
    except engine.EngineValidationError as exc:
        errors: dict[str, list[str]] = {}
        for path, message in exc.as_pairs():
            field = path.removeprefix("workload.").split("[")[0].split(".")[0]
            errors.setdefault(field if field in WORKLOAD_FIELDS else "__all__", []).append(message)
        raise ValidationError(errors) from None


@transaction.atomic
def workload_create(user: AbstractBaseUser, data: dict[str, Any]) -> Workload:
    department = _require(user, "procurement.add_workload")
    workload = Workload(department=department, created_by=user, **data)
    workload.full_clean()
    workload_check(workload)
    workload.save()
    audit_record(
        department,
        user,
        "workload.created",
        workload,
        f"Created workload “{workload.title}”",
        _workload_payload(workload),
    )
    return workload


@transaction.atomic
def workload_update(user: AbstractBaseUser, workload: Workload, data: dict[str, Any]) -> Workload:
    """Edit a workload. Its comparisons keep the inputs they were run with (their snapshots)."""
    department = _require(user, "procurement.change_workload")
    if workload.department_id != department.pk:
        raise PermissionDenied("Not your department's workload.")
    if workload.status == Workload.Status.ARCHIVED:
        raise ValidationError("An archived workload cannot be edited; clone it instead.")
    before = _workload_payload(workload)
    for name, value in data.items():
        setattr(workload, name, value)
    workload.full_clean()
    workload_check(workload)
    workload.save()
    after = _workload_payload(workload)
    changed = {k: [before[k], after[k]] for k in WORKLOAD_FIELDS if before[k] != after[k]}
    audit_record(
        department,
        user,
        "workload.updated",
        workload,
        f"Edited workload “{workload.title}” ({', '.join(changed) or 'no change'})",
        {"changed": changed},
    )
    return workload


@transaction.atomic
def workload_clone(user: AbstractBaseUser, workload: Workload) -> Workload:
    data = _workload_payload(workload)
    data["title"] = f"Copy of {workload.title}"[:200]
    clone = workload_create(user, data)
    audit_record(
        clone.department,
        user,
        "workload.cloned",
        clone,
        f"Cloned workload {workload.pk} into {clone.pk}",
        {"source": workload.pk},
    )
    return clone


@transaction.atomic
def workload_archive(user: AbstractBaseUser, workload: Workload) -> Workload:
    department = _require(user, "procurement.change_workload")
    if workload.department_id != department.pk:
        raise PermissionDenied("Not your department's workload.")
    workload.status = Workload.Status.ARCHIVED
    workload.save(update_fields=["status", "updated_at"])
    audit_record(
        department, user, "workload.archived", workload, f"Archived “{workload.title}”", {}
    )
    return workload


# Comparisons --------------------------------------------------------------------------------


@transaction.atomic
def comparison_run(
    user: AbstractBaseUser,
    workload: Workload,
    *,
    decision_date: dt.date | None = None,
    pack: PolicyPack | None = None,
) -> Comparison:
    """Run the engine on the whole catalogue for ``workload`` and store the snapshot.

    The snapshot holds every input exactly as the engine used it and the results; the row is
    never updated afterwards (on PostgreSQL a trigger refuses it).
    """
    department = _require(user, "procurement.add_comparison")
    if workload.department_id != department.pk:
        raise PermissionDenied("Not your department's workload.")
    if workload.status == Workload.Status.ARCHIVED:
        raise ValidationError("An archived workload cannot be compared; clone it first.")
    decision_date = decision_date or timezone.localdate()
    pack = pack or published_pack(on=decision_date)
    inputs = comparison_inputs(workload, pack, decision_date)
    snapshot = engine.build_snapshot(*inputs, decision_date, sensitivity=SENSITIVITY)
    results = snapshot["results"]
    award = results["recommendation"]["award"]
    offers = {o["offer_id"]: o for o in results["offers"]}
    awarded = offers.get(award["offer_id"]) if award["offer_id"] else None
    total = Decimal(award["cost_inr"]) if award["cost_inr"] else None
    if total is not None and total > LARGEST_RECORDED_INR:
        # Valid inputs at the far end of their ranges can price a contract beyond any real one
        # (and beyond the summary column): say so rather than store it.
        raise ValidationError(
            {"workload": "Its totals are too large to record: check its volume, tokens and growth."}
        )
    comparison = Comparison.objects.create(
        department=department,
        workload=workload,
        policy_pack=pack,
        decision_date=decision_date,
        snapshot=engine.canonical_json(snapshot).decode("utf-8"),
        fingerprint=snapshot["fingerprint"],
        engine_version=snapshot["engine_version"],
        offer_count=len(offers),
        eligible_count=sum(1 for o in offers.values() if o["eligible"]),
        recommended_offer_id=award["offer_id"] or "",
        recommended_name=awarded["name"] if awarded else "",
        recommended_total_inr=total,
        mechanism=award["mechanism"],
        uses_demo_data=results["uses_demo_data"],
        created_by=user,
    )
    audit_record(
        department,
        user,
        "comparison.created",
        comparison,
        f"Compared {len(offers)} offers for “{workload.title}”: "
        f"{comparison.recommended_name or 'no eligible offer'}",
        {
            "workload": workload.pk,
            "policy_pack": f"{pack.slug} v{pack.version}",
            "decision_date": decision_date,
            "fingerprint": comparison.fingerprint,
        },
    )
    return comparison


# Decisions (maker-checker) ------------------------------------------------------------------


@transaction.atomic
def decision_propose(
    user: AbstractBaseUser, comparison: Comparison, offer_id: str, reason: str
) -> Decision:
    """An officer proposes the award: the recommendation, or another eligible offer with a
    written reason."""
    department = _require(user, "procurement.add_decision")
    if comparison.department_id != department.pk:
        raise PermissionDenied("Not your department's comparison.")
    results = comparison.snapshot_document()["results"]
    offers = {o["offer_id"]: o for o in results["offers"]}
    offer = offers.get(offer_id)
    if offer is None or not offer["eligible"]:
        raise ValidationError({"offer_id": "Choose one of the offers that passed every rule."})
    follows = offer_id == results["recommendation"]["award"]["offer_id"]
    reason = reason.strip()
    if not follows and not reason:
        raise ValidationError(
            {"reason": "Say why the award departs from the recommendation; it goes on file."}
        )
    if Decision.objects.filter(
        comparison=comparison, status__in=[Decision.Status.PROPOSED, Decision.Status.APPROVED]
    ).exists():
        raise ValidationError(
            "This comparison already has a proposal awaiting or holding approval."
        )
    decision = Decision.objects.create(
        department=department,
        comparison=comparison,
        offer_id=offer_id,
        offer_name=offer["name"],
        follows_recommendation=follows,
        reason=reason,
        proposed_by=user,
    )
    audit_record(
        department,
        user,
        "decision.proposed",
        decision,
        f"Proposed {offer['name']}" + ("" if follows else " (departs from the recommendation)"),
        {
            "comparison": comparison.pk,
            "fingerprint": comparison.fingerprint,
            "offer_id": offer_id,
            "follows_recommendation": follows,
            "reason": reason,
        },
    )
    return decision


def _decide(user: AbstractBaseUser, decision: Decision, status: str, note: str) -> Decision:
    department = _require(user, "procurement.approve_decision")
    if decision.department_id != department.pk:
        raise PermissionDenied("Not your department's decision.")
    if decision.proposed_by_id == user.pk:
        raise PermissionDenied("The officer who proposed an award cannot also approve it.")
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status != Decision.Status.PROPOSED:
        raise ValidationError(f"This decision is already {locked.get_status_display().lower()}.")
    note = note.strip()
    if status == Decision.Status.RETURNED and not note:
        raise ValidationError({"note": "Say why it is returned, so the officer can act on it."})
    locked.status = status
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    verb = "approved" if status == Decision.Status.APPROVED else "returned"
    audit_record(
        department,
        user,
        f"decision.{verb}",
        locked,
        f"{verb.capitalize()} the award to {locked.offer_name}",
        {"comparison": locked.comparison_id, "offer_id": locked.offer_id, "note": note},
    )
    return locked


@transaction.atomic
def decision_approve(user: AbstractBaseUser, decision: Decision, note: str = "") -> Decision:
    return _decide(user, decision, Decision.Status.APPROVED, note)


@transaction.atomic
def decision_return(user: AbstractBaseUser, decision: Decision, note: str) -> Decision:
    return _decide(user, decision, Decision.Status.RETURNED, note)


# Justification documents --------------------------------------------------------------------


@transaction.atomic
def document_request(
    user: AbstractBaseUser, comparison: Comparison, language: str = "en"
) -> JustificationDocument:
    """Queue a justification PDF for ``comparison``.

    The document row is written in the request's transaction (an outbox) and the rendering task
    is enqueued only after it commits, so a job is never enqueued for a row that does not exist
    and a lost message is found again by ``sweep_documents``. Without Redis the task runs
    eagerly, at commit, in this process.
    """
    from procurement.tasks import render_document

    department = _require(user, "procurement.add_justificationdocument")
    if comparison.department_id != department.pk:
        raise PermissionDenied("Not your department's comparison.")
    document = JustificationDocument.objects.create(
        department=department,
        comparison=comparison,
        language=language,
        requested_by=user,
        enqueued_at=timezone.now(),
    )
    audit_record(
        department,
        user,
        "document.requested",
        document,
        f"Requested the justification of comparison {comparison.pk}",
        {"comparison": comparison.pk, "fingerprint": comparison.fingerprint},
    )
    document_id = str(document.pk)
    transaction.on_commit(lambda: render_document.delay(document_id))
    return document


# Policy packs -------------------------------------------------------------------------------


def policy_document_check(document: Any) -> engine.Policy:
    """Validate a policy document; ValidationError messages name the JSON path of each problem."""
    if not isinstance(document, dict):
        raise ValidationError({"document": "The policy must be a JSON object."})
    try:
        return engine.load_policy(document)
    except engine.EngineValidationError as exc:
        raise ValidationError(
            {"document": [f"{path}: {message}" for path, message in exc.as_pairs()]}
        ) from None


@transaction.atomic
def policy_pack_save_draft(
    user: AbstractBaseUser | None, pack: PolicyPack, document: dict[str, Any]
) -> PolicyPack:
    """Create or edit a draft version; a published version is never changed."""
    if (
        pack.pk
        and PolicyPack.objects.filter(pk=pack.pk, status=PolicyPack.Status.PUBLISHED).exists()
    ):
        raise ValidationError("A published version never changes: create a new version.")
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
def policy_pack_new_version(user: AbstractBaseUser | None, source: PolicyPack) -> PolicyPack:
    """A draft copy of ``source`` with the next version number."""
    latest = PolicyPack.objects.filter(slug=source.slug).order_by("-version").first()
    draft = PolicyPack(slug=source.slug, version=latest.version + 1 if latest else 1)
    return policy_pack_save_draft(user, draft, source.document)


@transaction.atomic
def policy_pack_publish(user: AbstractBaseUser | None, pack: PolicyPack) -> PolicyPack:
    locked = PolicyPack.objects.select_for_update().get(pk=pack.pk)
    if locked.is_published:
        raise ValidationError("This version is already published.")
    policy_document_check(locked.document)
    locked.status = PolicyPack.Status.PUBLISHED
    locked.published_by = user
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_by", "published_at"])
    return locked
