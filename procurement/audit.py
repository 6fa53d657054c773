"""The audit trail: insert-only hash chains of events — one per department, and the platform's
own chain for data every department shares — appending to them, and checking them together with
the records they vouch for.

A chain's events are numbered from 1; ``content_hash`` is the SHA-256 of the event's canonical
content and ``chain_hash`` = SHA-256(previous chain_hash ‖ content_hash), the first link chaining
from ``GENESIS_PREFIX + department slug`` (``GENESIS_PREFIX + "platform"`` for the platform's
chain). Appends are serialised — by locking the department row, or a transaction-scoped advisory
lock for the platform's chain — so two requests never chain from the same link.

Every event names the account that acted and the *person* who answers for it: the person
themselves when they signed in, the key's holder when an API key acted.

Checking a chain checks the records it vouches for (comparisons, decisions, documents) against
their events; the public verification page vouches for a PDF only through its chain. Signed
checkpoints of every chain's head, kept outside the database by anyone who downloads them,
expose a chain cut short or rewritten (and hashed again) after them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone

from procurement import engine, signing
from procurement.models import (
    AuditEvent,
    ChainCheckpoint,
    Comparison,
    Decision,
    Department,
    JustificationDocument,
    UsageReport,
)

GENESIS_PREFIX = "genesis:"
PLATFORM = "platform"
# The key of the advisory lock that serialises appends to the platform's chain (PostgreSQL).
_PLATFORM_LOCK = 0x41554454  # "AUDT"


def canonical(document: Any) -> str:
    """Canonical JSON text: sorted keys, compact, UTF-8, Decimals and dates as strings."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_content(event: AuditEvent) -> str:
    """The canonical content an event's ``content_hash`` covers (events written before persons
    were recorded have no ``person`` and hash as they always did)."""
    content: dict[str, Any] = {
        "department": event.department.slug if event.department else PLATFORM,
        "sequence": event.sequence,
        "action": event.action,
        "actor": event.actor_name,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "payload": json.loads(event.payload),
        "created_at": event.created_at.isoformat(),
    }
    if event.person_name:
        content["person"] = event.person_name
    return canonical(content)


def chain_link(previous: str, content_hash: str) -> str:
    return sha256(previous + content_hash)


def genesis(department: Department | None) -> str:
    return sha256(GENESIS_PREFIX + (department.slug if department else PLATFORM))


def chain_events(department: Department | None) -> QuerySet[AuditEvent]:
    """The events of one chain (the platform's when ``department`` is None), unordered."""
    if department is None:
        return AuditEvent.objects.filter(department__isnull=True)
    return AuditEvent.objects.filter(department=department)


def person_of(actor: User | None) -> User | None:
    """The person who answers for what ``actor`` does: the key's holder for an API key's
    service account, the actor themselves otherwise."""
    if actor is None:
        return None
    api_key = getattr(actor, "api_key", None)
    if api_key is not None:
        return api_key.person  # type: ignore[no-any-return]
    return actor


def same_person(a: User | None, b: User | None) -> bool:
    """Whether ``a`` and ``b`` are, or act for, the same person (an API key counts as its
    holder)."""
    first, second = person_of(a), person_of(b)
    return first is not None and second is not None and first.pk == second.pk


def _lock_chain(department: Department | None) -> None:
    if department is not None:
        Department.objects.select_for_update().get(pk=department.pk)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PLATFORM_LOCK])


def audit_record(
    *,
    department: Department | None,
    actor: User | None,
    action: str,
    obj: Model,
    summary: str,
    payload: dict[str, Any],
) -> AuditEvent:
    """Append one event to the department's chain (the platform's when ``department`` is None).
    Call inside the transaction of the change."""
    _lock_chain(department)
    last = chain_events(department).order_by("-sequence").first()
    person = person_of(actor)
    event = AuditEvent(
        department=department,
        sequence=(last.sequence + 1) if last else 1,
        action=action,
        actor=actor,
        actor_name=actor.get_username() if actor else "system",
        person=person,
        person_name=person.get_username() if person else "",
        object_type=type(obj).__name__.lower(),
        object_id=str(obj.pk),
        summary=summary[:500],
        payload=canonical(payload),
        created_at=timezone.now(),
    )
    event.content_hash = sha256(event_content(event))
    event.chain_hash = chain_link(
        last.chain_hash if last else genesis(department), event.content_hash
    )
    event.save(force_insert=True)
    return event


# Checking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenLink:
    department: str
    sequence: int | None
    problem: str

    def __str__(self) -> str:
        if self.sequence is None:
            return f"{self.department}: {self.problem}"
        return f"{self.department}: event #{self.sequence}: {self.problem}"


def verify_department(department: Department | None) -> BrokenLink | None:
    """The first broken link of a chain (the platform's when ``department`` is None), or None
    if it holds.

    Each event's content must hash to its ``content_hash``, chain from the previous event, and
    be numbered without gaps. Then every record the chain vouches for must still be what its
    events say: a ``comparison.created`` event names the fingerprint of the comparison row,
    whose snapshot must still hash to it and whose stored results must still be the snapshot's;
    a decision's status, decider, offer and note are those of its last event; a ready document
    has a ``document.ready`` event with its sha256 and size, and its PDF still hashes to it;
    a usage report's figures are those its ``usage.reported`` or ``usage.corrected`` event
    recorded. Every comparison, decision, document and usage report of the department has its
    events.
    """
    name = department.slug if department else PLATFORM
    previous = genesis(department)
    comparisons = {
        str(c.pk): c
        for c in Comparison.objects.filter(department=department).select_related("results")
    }
    vouched: set[str] = set()
    decided: dict[str, AuditEvent] = {}
    reported: dict[str, AuditEvent] = {}
    requested: set[str] = set()
    issued: dict[str, AuditEvent] = {}
    expected = 1
    for event in chain_events(department).select_related("department").order_by("sequence"):
        if event.sequence != expected:
            return BrokenLink(name, event.sequence, f"expected event #{expected}")
        if sha256(event_content(event)) != event.content_hash:
            return BrokenLink(name, event.sequence, "content does not match its hash")
        if chain_link(previous, event.content_hash) != event.chain_hash:
            return BrokenLink(name, event.sequence, "does not chain from the event before")
        if event.action == "comparison.created":
            problem = _comparison_problem(comparisons.get(event.object_id), event)
            if problem:
                return BrokenLink(name, event.sequence, problem)
            vouched.add(event.object_id)
        elif event.action in DECISION_STATUS:
            decided[event.object_id] = event
        elif event.action in USAGE_ACTIONS:
            reported[event.object_id] = event
        elif event.action == "document.requested":
            requested.add(event.object_id)
        elif event.action == "document.ready":
            if event.object_id in issued:
                return BrokenLink(
                    name, event.sequence, f"document {event.object_id} is issued a second time"
                )
            issued[event.object_id] = event
        previous = event.chain_hash
        expected += 1
    unrecorded = sorted(set(comparisons) - vouched, key=int)
    if unrecorded:
        return BrokenLink(name, None, f"comparison {unrecorded[0]} has no event in the chain")
    return (
        _decisions_broken(name, department, decided)
        or _documents_broken(name, department, requested, issued)
        or _usage_broken(name, department, reported)
    )


# The status each decision event leaves a decision in.
DECISION_STATUS = {
    "decision.proposed": Decision.Status.PROPOSED,
    "decision.approved": Decision.Status.APPROVED,
    "decision.returned": Decision.Status.RETURNED,
}


def _decisions_broken(
    name: str, department: Department | None, events: dict[str, AuditEvent]
) -> BrokenLink | None:
    """The first decision that is not what its last event says."""
    decisions = {
        str(d.pk): d
        for d in Decision.objects.filter(department=department).select_related("decided_by")
    }
    for pk in sorted(set(decisions) | set(events), key=int):
        decision, event = decisions.get(pk), events.get(pk)
        if event is None:
            return BrokenLink(name, None, f"decision {pk} has no event in the chain")
        if decision is None:
            return BrokenLink(name, event.sequence, f"decision {pk} is missing")
        recorded = json.loads(event.payload)
        status = DECISION_STATUS[event.action]
        problem = None
        if decision.status != status:
            problem = f"decision {pk} is {decision.status}, but its last event says {status}"
        elif decision.offer_id != recorded.get("offer_id"):
            problem = f"decision {pk}'s offer differs from the one recorded"
        elif status != Decision.Status.PROPOSED:
            decider = decision.decided_by.get_username() if decision.decided_by else None
            if decider != event.actor_name:
                problem = (
                    f"decision {pk} names {decider} as who decided, but its event names "
                    f"{event.actor_name}"
                )
            elif decision.decision_note != recorded.get("note", ""):
                problem = f"decision {pk}'s note differs from the one recorded"
        if problem:
            return BrokenLink(name, event.sequence, problem)
    return None


USAGE_ACTIONS = ("usage.reported", "usage.corrected")


def _usage_broken(
    name: str, department: Department | None, events: dict[str, AuditEvent]
) -> BrokenLink | None:
    """The first usage report that is not what its event recorded (or has none)."""
    reports = {str(r.pk): r for r in UsageReport.objects.filter(department=department)}
    for pk in sorted(set(reports) | set(events), key=int):
        report, event = reports.get(pk), events.get(pk)
        if event is None:
            return BrokenLink(name, None, f"usage report {pk} has no event in the chain")
        if report is None:
            return BrokenLink(name, event.sequence, f"usage report {pk} is missing")
        recorded = json.loads(event.payload)
        stored = {
            "decision": report.decision_id,
            "quarter": report.quarter,
            "requests": report.requests,
            "input_tokens": report.input_tokens,
            "output_tokens": report.output_tokens,
            "note": report.note,
            "source": report.source,
            "corrects": report.corrects_id,
        }
        changed = [key for key, value in stored.items() if recorded.get(key) != value]
        if Decimal(recorded.get("invoiced_inr", "NaN")) != report.invoiced_inr:
            changed.append("invoiced_inr")
        if changed:
            return BrokenLink(
                name,
                event.sequence,
                f"usage report {pk}'s {', '.join(changed)} differ from what its event recorded",
            )
    return None


def _documents_broken(
    name: str,
    department: Department | None,
    requested: set[str],
    issued: dict[str, AuditEvent],
) -> BrokenLink | None:
    """The first document whose row is not what its events say: a ready document's sha256
    and size are those its ``document.ready`` event recorded, and its PDF hashes to them."""
    documents = {
        str(d.pk): d
        for d in JustificationDocument.objects.filter(department=department).defer("pdf")
    }
    for pk in sorted(set(documents) | set(issued)):
        document, event = documents.get(pk), issued.get(pk)
        if document is None:
            assert event is not None
            return BrokenLink(name, event.sequence, f"document {pk} is missing")
        if pk not in requested:
            return BrokenLink(name, None, f"document {pk} has no event in the chain")
        ready = document.status == JustificationDocument.Status.READY
        if event is None:
            if ready:
                return BrokenLink(
                    name, None, f"document {pk} is ready, but the chain never recorded it issued"
                )
            continue
        if not ready:
            return BrokenLink(
                name, event.sequence, f"document {pk} was issued, but is now {document.status}"
            )
        recorded = json.loads(event.payload)
        if document.sha256 != recorded.get("sha256") or document.size != recorded.get("size"):
            return BrokenLink(
                name, event.sequence, f"document {pk}'s sha256 or size differs from the one issued"
            )
        pdf = JustificationDocument.objects.filter(pk=pk).values_list("pdf", flat=True).get()
        if pdf is None or hashlib.sha256(bytes(pdf)).hexdigest() != document.sha256:
            return BrokenLink(
                name, event.sequence, f"document {pk}'s PDF no longer hashes to its sha256"
            )
    return None


def _comparison_problem(comparison: Comparison | None, event: AuditEvent) -> str | None:
    recorded = json.loads(event.payload).get("fingerprint")
    if comparison is None:
        return f"comparison {event.object_id} is missing"
    if comparison.fingerprint != recorded:
        return f"comparison {comparison.pk}'s fingerprint differs from the one recorded"
    try:
        snapshot = comparison.snapshot_document()
        actual = engine.fingerprint(snapshot)
    except ValueError:
        return f"comparison {comparison.pk}'s snapshot is not valid JSON"
    if actual != recorded:
        return (
            f"comparison {comparison.pk}'s snapshot was altered "
            "(it no longer hashes to its fingerprint)"
        )
    stored = getattr(comparison, "results", None)
    if stored is None:
        return f"comparison {comparison.pk} has no stored results"
    if stored.json() != engine.canonical_json(snapshot.get("results")):
        return f"comparison {comparison.pk}'s stored results differ from its snapshot's"
    return None


# What the public verification page vouches for --------------------------------------------


@dataclass(frozen=True)
class Issue:
    """A document's issue as a department's chain records it."""

    department: Department
    issued_at: dt.datetime
    sequence: int


def issued_document(digest: str) -> Issue | None:
    """The issue of a document with this SHA-256, from the chains alone: a ``document.ready``
    event of a department's chain that records it, provided the chain holds from its genesis
    up to that event. What a document row says counts for nothing here."""
    candidates = (
        AuditEvent.objects.filter(
            department__isnull=False,
            action="document.ready",
            payload__contains=canonical({"sha256": digest})[1:-1],
        )
        .select_related("department")
        .order_by("pk")
    )
    for event in candidates:
        if json.loads(event.payload).get("sha256") == digest and _holds_up_to(event):
            assert event.department is not None
            return Issue(event.department, event.created_at, event.sequence)
    return None


def _holds_up_to(event: AuditEvent) -> bool:
    """Whether ``event`` is a link of its chain as this product signed it: its content hashes to
    its ``content_hash``, and the links lead from the nearest signed checkpoint before it to it,
    or from it to the nearest signed checkpoint after it (from the chain's genesis when no
    checkpoint is signed yet). The work is the events between two checkpoints, not the chain."""
    if sha256(event_content(event)) != event.content_hash:
        return False
    before, after = _anchors(event)
    if after is not None and (
        before is None or after[0] - event.sequence <= event.sequence - before[0]
    ):
        if event.sequence == 1:
            previous: str | None = genesis(event.department)
        else:
            previous = (
                chain_events(event.department)
                .filter(sequence=event.sequence - 1)
                .values_list("chain_hash", flat=True)
                .first()
            )
        if previous is None or chain_link(previous, event.content_hash) != event.chain_hash:
            return False
        return _links(event.department, event.sequence, after[0], event.chain_hash) == after[1]
    start, start_hash = before or (0, genesis(event.department))
    return _links(event.department, start, event.sequence, start_hash) == event.chain_hash


def _links(department: Department | None, start: int, end: int, start_hash: str) -> str | None:
    """The chain hash the events after ``start`` up to ``end`` lead to from ``start_hash``, each
    event's content hashing to its ``content_hash`` (None when one is missing or altered)."""
    previous, expected = start_hash, start + 1
    events = chain_events(department).filter(sequence__gt=start, sequence__lte=end)
    for event in events.order_by("sequence").iterator(chunk_size=2000):
        event.department = department
        if (
            event.sequence != expected
            or sha256(event_content(event)) != event.content_hash
            or chain_link(previous, event.content_hash) != event.chain_hash
        ):
            return None
        previous, expected = event.chain_hash, expected + 1
    return previous if expected == end + 1 else None


def _anchors(event: AuditEvent) -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
    """The (sequence, chain_hash) of ``event``'s chain in the nearest checkpoints, signed by this
    product's key, before it and at or after it (None where there is none)."""
    key = signing.published_key()
    if key is None:
        return None, None
    name = event.department.slug if event.department else PLATFORM
    after: tuple[int, str] | None = None
    for checkpoint in ChainCheckpoint.objects.order_by("-pk").iterator(chunk_size=200):
        heads = {h["chain"]: h for h in json.loads(checkpoint.statement)["chains"]}
        head = heads.get(name)
        if head is None or head["sequence"] == 0:
            continue
        if not engine.checkpoint_signature_matches(key, checkpoint.statement, checkpoint.signature):
            continue
        if head["sequence"] < event.sequence:
            return (head["sequence"], head["chain_hash"]), after
        after = (head["sequence"], head["chain_hash"])
    return None, after


# Signed checkpoints of every chain's head ---------------------------------------------------

CHECKPOINT_KIND = "audit chain checkpoint"


def chain_heads() -> list[dict[str, Any]]:
    """Every chain's last event: the platform's first, then each department's by slug (a chain
    with no events has sequence 0 and its genesis hash)."""
    heads = []
    for department in [None, *Department.objects.order_by("slug")]:
        last = chain_events(department).order_by("-sequence").only("sequence", "chain_hash")
        head = last.first()
        heads.append(
            {
                "chain": department.slug if department else PLATFORM,
                "sequence": head.sequence if head else 0,
                "chain_hash": head.chain_hash if head else genesis(department),
            }
        )
    return heads


def checkpoint_create(*, only_if_changed: bool = False) -> ChainCheckpoint | None:
    """Sign and store the heads of every chain now (None when ``only_if_changed`` and no chain
    moved since the last checkpoint). ``ImproperlyConfigured`` without a signing key."""
    key = signing.signing_key()
    heads = chain_heads()
    if only_if_changed:
        latest = ChainCheckpoint.objects.order_by("-pk").first()
        if latest is not None and json.loads(latest.statement)["chains"] == heads:
            return None
    now = timezone.now()
    statement = canonical({"kind": CHECKPOINT_KIND, "created_at": now.isoformat(), "chains": heads})
    return ChainCheckpoint.objects.create(
        created_at=now,
        statement=statement,
        key_id=key.public_key.key_id,
        signature=key.sign_checkpoint(statement),
    )


def checkpoint_entry(checkpoint: ChainCheckpoint) -> dict[str, Any]:
    """One checkpoint as published: the exact statement text signed, and its signature."""
    return {
        "number": checkpoint.pk,
        "created_at": checkpoint.created_at.isoformat(),
        "key_id": checkpoint.key_id,
        "statement": checkpoint.statement,
        "signature": checkpoint.signature,
    }


def checkpoints_published() -> dict[str, Any]:
    """The downloadable file of every checkpoint, oldest first, with what was signed and how."""
    key = signing.published_key()
    return {
        "kind": "audit chain checkpoints",
        "algorithm": "Ed25519",
        "public_key": key.text if key else None,
        "key_id": key.key_id if key else None,
        "signs": "each checkpoint's statement: the signed message is the ASCII text "
        f"{engine.CHECKPOINT_PREFIX.decode('ascii')!r} followed by the statement's UTF-8 text",
        "checkpoints": [
            checkpoint_entry(c) for c in ChainCheckpoint.objects.order_by("pk").iterator()
        ],
    }


def checkpoints_broken(published: Any) -> tuple[int, list[BrokenLink]]:
    """Check a checkpoints file (as :func:`checkpoints_published` writes it) against this
    product's key and the chains as they are now: every checkpoint signed by the product's
    key, and every chain still holding each checkpointed event with the same chain hash — an
    event deleted after a checkpoint, or a chain rewritten and hashed again, no longer does.

    Returns how many chain heads were checked, and what is broken.
    """
    key = signing.published_key()
    if key is None:
        raise ImproperlyConfigured("No signing key is configured to check checkpoints with.")
    entries = published.get("checkpoints") if isinstance(published, dict) else None
    if not isinstance(entries, list):
        return 0, [BrokenLink("checkpoints file", None, "it holds no list of checkpoints")]
    departments = {d.slug: d for d in Department.objects.all()}
    checked = 0
    broken: list[BrokenLink] = []
    for index, entry in enumerate(entries, 1):
        label = f"checkpoint {entry.get('number', index) if isinstance(entry, dict) else index}"
        statement = entry.get("statement") if isinstance(entry, dict) else None
        signature = entry.get("signature") if isinstance(entry, dict) else None
        if not isinstance(statement, str) or not isinstance(signature, str):
            broken.append(BrokenLink(label, None, "it has no statement and signature as text"))
            continue
        if not engine.checkpoint_signature_matches(key, statement, signature):
            broken.append(
                BrokenLink(
                    label,
                    None,
                    f"its signature is not by this product's key {key.key_id} over its "
                    "statement: the checkpoint was altered, or signed by another key",
                )
            )
            continue
        content = json.loads(statement)
        for head in content["chains"]:
            checked += 1
            problem = _head_problem(head, departments, content["created_at"])
            if problem:
                broken.append(problem)
    return checked, broken


def _head_problem(
    head: dict[str, Any], departments: dict[str, Department], created_at: str
) -> BrokenLink | None:
    name, sequence = head["chain"], head["sequence"]
    if name != PLATFORM and name not in departments:
        return BrokenLink(
            name, None, f"the department of a chain checkpointed at {created_at} is gone"
        )
    department = None if name == PLATFORM else departments[name]
    if sequence == 0:
        return None
    events = chain_events(department)
    event = events.filter(sequence=sequence).only("chain_hash").first()
    if event is None:
        last = events.order_by("-sequence").only("sequence").first()
        ends = f"the chain now ends at event #{last.sequence}" if last else "the chain is empty"
        return BrokenLink(
            name, sequence, f"checkpointed at {created_at}, but missing: {ends} (truncated)"
        )
    if event.chain_hash != head["chain_hash"]:
        return BrokenLink(
            name,
            sequence,
            f"its chain hash differs from the one checkpointed at {created_at}: the chain was "
            "rewritten",
        )
    return None
