"""Records that change only by their legal transitions: decisions and justification documents.

On PostgreSQL a row trigger enforces these rules for every writer, SQL included (migration
0010). Other databases (SQLite, for development and the test suite without PostgreSQL) have
the same rules here, in code: the models' ``save`` and ``delete`` and their querysets'
``update`` and ``delete`` check each row before and after the write and roll it back with
:class:`ChangeRefused` when the change is not a legal transition. Raw SQL on SQLite bypasses
them; ``verify_audit_chain`` still finds what it changed.

A rule takes the row before (None for an insert) and after (None for a delete) as
``{attname: value}`` and returns what is wrong, in the words the trigger uses, or None.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import DatabaseError, connections, models, router, transaction

Row = Mapping[str, Any]
Rule = Callable[[Row | None, Row | None], str | None]
M = TypeVar("M", bound=models.Model)


class ChangeRefused(DatabaseError):
    """A write to a transition-only table that is not one of its legal transitions."""


# Decisions: proposed → approved | returned, once.

DECIDED = frozenset({"status", "decided_by_id", "decided_at", "decision_note"})


def decision_change(old: Row | None, new: Row | None) -> str | None:
    if new is None:
        return "DELETE refused"
    if old is None:
        undecided = (
            new["decided_by_id"] is None and new["decided_at"] is None and not new["decision_note"]
        )
        if new["status"] != "proposed" or not undecided:
            return "a decision is recorded as proposed, undecided"
        return None
    if old["status"] != "proposed":
        return f"decision {old['id']} is {old['status']} and never changes again"
    if new["status"] not in ("approved", "returned"):
        return f"a proposed decision becomes approved or returned, not {new['status']}"
    if new["decided_by_id"] is None or new["decided_at"] is None:
        return "an approval or a return names who decided and when"
    if _changed(old, new) - DECIDED:
        return "only the status, who decided, when and the note change when a proposal is decided"
    return None


# Justification documents: the rendering job's states (procurement/documents/jobs.py).
# queued → queued (a sweep re-enqueues it), queued → rendering (a claim), rendering → rendering
# (a sweep, or a claim taken over from a dead worker), rendering → queued (released after a
# transient error), rendering → ready (stored), rendering → failed. Ready and failed are final.

DOCUMENT_MOVES: dict[tuple[str, str], frozenset[str]] = {
    ("queued", "queued"): frozenset({"enqueued_at"}),
    ("queued", "rendering"): frozenset({"status", "attempts", "started_at"}),
    ("rendering", "rendering"): frozenset({"attempts", "started_at", "enqueued_at"}),
    ("rendering", "queued"): frozenset({"status"}),
    ("rendering", "ready"): frozenset({"status", "pdf", "sha256", "size", "error", "finished_at"}),
    ("rendering", "failed"): frozenset({"status", "error", "finished_at"}),
}


def document_change(old: Row | None, new: Row | None) -> str | None:
    if new is None:
        return "DELETE refused"
    if old is None:
        unrendered = new["pdf"] is None and new["sha256"] is None and new["size"] is None
        if new["status"] != "queued" or new["attempts"] != 0 or not unrendered:
            return "a document is recorded queued, with no attempt and no PDF"
        return None
    move = (old["status"], new["status"])
    if old["status"] == "ready":
        return f"document {old['id']} is ready and never changes"
    allowed = DOCUMENT_MOVES.get(move)
    if allowed is None:
        return f"a {old['status']} document cannot become {new['status']}"
    extra = _changed(old, new) - allowed
    if extra:
        return (
            f"from {old['status']} to {new['status']} only {', '.join(sorted(allowed))} "
            f"change, not {', '.join(sorted(extra))}"
        )
    if new["attempts"] not in (old["attempts"], old["attempts"] + 1) or (
        move == ("queued", "rendering") and new["attempts"] != old["attempts"] + 1
    ):
        return "a claim counts one attempt"
    if move == ("queued", "rendering") and new["started_at"] is None:
        return "a claim records when it started"
    if move == ("rendering", "ready"):
        pdf = new["pdf"]
        if pdf is None or new["sha256"] != hashlib.sha256(bytes(pdf)).hexdigest():
            return "a ready document's sha256 is the SHA-256 of its PDF"
        if new["size"] != len(bytes(pdf)):
            return "a ready document's size is its PDF's length"
    return None


def _changed(old: Row, new: Row) -> set[str]:
    return {name for name, value in new.items() if _plain(value) != _plain(old.get(name))}


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


# The guard on databases without the triggers ------------------------------------------------


def _guarded(using: str) -> bool:
    return connections[using].vendor != "postgresql"


def _refuse(model: type[models.Model], problem: str) -> ChangeRefused:
    return ChangeRefused(f"{model._meta.db_table} is transition-only: {problem}")


def _rows(model: type[models.Model], using: str, pks: list[Any]) -> dict[Any, dict[str, Any]]:
    key = model._meta.pk.attname
    rows = model._base_manager.using(using).filter(pk__in=pks).values()
    return {row[key]: row for row in rows}


def _check(model: type[models.Model], before: Mapping[Any, Row], after: Mapping[Any, Row]) -> None:
    rule: Rule = model.transition_rule  # type: ignore[attr-defined]
    for pk in before.keys() | after.keys():
        problem = rule(before.get(pk), after.get(pk))
        if problem:
            raise _refuse(model, problem)


class TransitionQuerySet(models.QuerySet[M]):
    """``update`` checks every row it changes; ``delete`` is refused."""

    def update(self, **kwargs: Any) -> int:
        if not _guarded(self.db):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            before = _rows(self.model, self.db, pks)
            count = super().update(**kwargs)
            _check(self.model, before, _rows(self.model, self.db, pks))
        return count

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        if not _guarded(self.db):
            return super().delete()
        raise _refuse(self.model, "DELETE refused")

    delete.alters_data = True  # type: ignore[attr-defined]


class TransitionOnly(models.Model):
    """A model whose rows change only as its ``transition_rule`` (a staticmethod) allows,
    checked in code where the database has no trigger for it."""

    objects = TransitionQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        if not _guarded(using):
            return super().save(*args, **kwargs)
        with transaction.atomic(using=using):
            before = _rows(type(self), using, [self.pk]) if self.pk is not None else {}
            super().save(*args, **kwargs)
            _check(type(self), before, _rows(type(self), using, [self.pk]))
        return None

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        if not _guarded(using):
            return super().delete(*args, **kwargs)
        raise _refuse(type(self), "DELETE refused")
