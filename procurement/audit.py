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
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone

from procurement import engine
from procurement.models import AuditEvent, Comparison, Department

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
        where = f"event #{self.sequence}" if self.sequence is not None else "chain"
        return f"{self.department}: {where}: {self.problem}"


def verify_department(department: Department) -> BrokenLink | None:
    """The first broken link of a department's chain, or None if it holds.

    Each event's content must hash to its ``content_hash``, chain from the previous event, and
    be numbered without gaps; a ``comparison.created`` event must name the fingerprint of the
    comparison row, that row's snapshot must still hash to it, and its stored results must still
    be the snapshot's.
    """
    previous = genesis(department)
    comparisons = {
        str(c.pk): c
        for c in Comparison.objects.filter(department=department).select_related("results")
    }
    vouched: set[str] = set()
    expected = 1
    for event in AuditEvent.objects.filter(department=department).order_by("sequence"):
        if event.sequence != expected:
            return BrokenLink(department.slug, event.sequence, f"expected event #{expected}")
        if sha256(event_content(event)) != event.content_hash:
            return BrokenLink(department.slug, event.sequence, "content does not match its hash")
        if chain_link(previous, event.content_hash) != event.chain_hash:
            return BrokenLink(
                department.slug, event.sequence, "does not chain from the event before"
            )
        if event.action == "comparison.created":
            problem = _comparison_problem(comparisons.get(event.object_id), event)
            if problem:
                return BrokenLink(department.slug, event.sequence, problem)
            vouched.add(event.object_id)
        previous = event.chain_hash
        expected += 1
    unrecorded = sorted(set(comparisons) - vouched, key=int)
    if unrecorded:
        return BrokenLink(
            department.slug, None, f"comparison {unrecorded[0]} has no event in the chain"
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
