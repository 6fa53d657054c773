"""Checking the audit trail: each department's hash chain, and the comparisons it vouches for."""

from __future__ import annotations

import json
from dataclasses import dataclass

from procurement import engine
from procurement.models import AuditEvent, Comparison, Department
from procurement.services import audit_content, chain_link, genesis, sha256


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
    comparison row, and that row's snapshot must still hash to it.
    """
    previous = genesis(department)
    comparisons = {str(c.pk): c for c in Comparison.objects.filter(department=department)}
    vouched: set[str] = set()
    expected = 1
    for event in AuditEvent.objects.filter(department=department).order_by("sequence"):
        if event.sequence != expected:
            return BrokenLink(department.slug, event.sequence, f"expected event #{expected}")
        if sha256(audit_content(event)) != event.content_hash:
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
        actual = engine.fingerprint(comparison.snapshot_document())
    except ValueError:
        return f"comparison {comparison.pk}'s snapshot is not valid JSON"
    if actual != recorded:
        return (
            f"comparison {comparison.pk}'s snapshot was altered "
            "(it no longer hashes to its fingerprint)"
        )
    return None
