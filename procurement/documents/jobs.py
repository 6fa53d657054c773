"""Rendering justification documents: claim the job, build the PDF, store exactly one result.

Celery delivers a task at least once, so exactly one *result* comes from the database (the
outbox pattern of RELIABILITY.md):

* the JustificationDocument row is the job, written in the request's transaction;
* a worker claims it with a conditional update (queued → rendering), or takes over a claim
  older than the hard time limit, whose worker must be dead (Celery kills a task at that limit);
* the result is written only while that claim still holds, so a slow worker whose claim was
  taken over cannot write a second result;
* every claim counts an attempt, and a job that has crashed its worker ``MAX_ATTEMPTS`` times
  is marked failed instead of looping forever;
* ``sweep_documents`` re-enqueues jobs left queued too long (a lost message, a Redis restart)
  or stuck behind a dead claim;
* the row moves only by these transitions (procurement/transitions.py, and a PostgreSQL trigger:
  migration 0010), and the ``document.ready`` event records the PDF's SHA-256 and size in the
  department's audit chain, which the public verification page answers from.

The Celery task itself (``procurement.tasks.render_document``) only calls ``document_render``;
jobs are handed to it by name (``document_enqueue``), so this package never imports the task
module that imports it.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import logging
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from procurement.audit import audit_record
from procurement.documents.content import document_context
from procurement.documents.pdf import render_pdf
from procurement.models import JustificationDocument

logger = logging.getLogger(__name__)

# The Celery task that renders a document (procurement/tasks.py), named here for its callers.
RENDER_TASK = "procurement.tasks.render_document"
MAX_ATTEMPTS = 3
# Errors that say nothing about the document: the database went away. Celery retries them.
TRANSIENT = (OperationalError, InterfaceError)
Status = JustificationDocument.Status


def lease() -> dt.timedelta:
    """How long a claim protects a rendering: the task's hard time limit."""
    return dt.timedelta(seconds=settings.DOCUMENT_TIME_LIMIT)


class Claim(enum.Enum):
    CLAIMED = "claimed"  # this worker renders it now
    BUSY = "busy"  # another live worker holds it; try again after the lease
    SETTLED = "settled"  # ready, failed or gone: nothing to do


@dataclass(frozen=True)
class ClaimResult:
    outcome: Claim
    document: JustificationDocument | None = None
    retry_after: float = 0.0


def document_enqueue(document_id: str) -> None:
    """Hand a document to a worker (without Redis: render it now, in this process)."""
    current_app.tasks[RENDER_TASK].delay(document_id)


def document_claim(document_id: str, now: dt.datetime | None = None) -> ClaimResult:
    now = now or timezone.now()
    claimable = Q(status=Status.QUEUED) | Q(status=Status.RENDERING, started_at__lt=now - lease())
    with transaction.atomic():
        claimed = (
            JustificationDocument.objects.filter(pk=document_id)
            .filter(claimable)
            .update(status=Status.RENDERING, started_at=now, attempts=F("attempts") + 1)
        )
        document = JustificationDocument.objects.filter(pk=document_id).first()
        if document is None:
            return ClaimResult(Claim.SETTLED)
        if claimed and document.attempts > MAX_ATTEMPTS:
            _fail(
                document,
                f"Rendering stopped after {MAX_ATTEMPTS} attempts: the renderer crashed each "
                "time. Nothing else was changed; ask the support team to look at the logs.",
            )
            return ClaimResult(Claim.SETTLED)
    if claimed:
        return ClaimResult(Claim.CLAIMED, document)
    if document.status == Status.RENDERING and document.started_at is not None:
        remaining = (document.started_at + lease() - now).total_seconds()
        return ClaimResult(Claim.BUSY, document, retry_after=max(remaining, 1.0))
    return ClaimResult(Claim.SETTLED, document)


def _fail(document: JustificationDocument, message: str) -> None:
    """Fail the document while this worker's claim still holds (rendering → failed is the only
    way to fail: migration 0010)."""
    JustificationDocument.objects.filter(
        pk=document.pk, status=Status.RENDERING, started_at=document.started_at
    ).update(status=Status.FAILED, error=message, finished_at=timezone.now())


def document_pdf(document: JustificationDocument) -> bytes:
    """The PDF of a document: the justification template, with the snapshot attached."""
    comparison = document.comparison
    with translation.override(document.language):
        html = render_to_string("documents/justification.html", document_context(document))
    rendered = render_pdf(
        html,
        attachments={
            f"comparison-{comparison.pk}-snapshot.json": (
                comparison.snapshot.encode("utf-8"),
                f"Snapshot of every input and result; SHA-256 fingerprint {comparison.fingerprint}",
            )
        },
        when=document.requested_at,
    )
    if rendered.refused:
        logger.warning("document %s: refused to fetch %s", document.pk, rendered.refused)
    return rendered.pdf


def document_render(document_id: str) -> ClaimResult:
    """Claim and render one document; store its PDF while the claim holds.

    Returns the claim's outcome, so the task can retry a BUSY document later. An error in
    rendering fails the document with a message in plain words; transient errors (the database
    going away) propagate so that Celery retries.
    """
    claim = document_claim(document_id)
    if claim.outcome is not Claim.CLAIMED:
        return claim
    document = claim.document
    assert document is not None
    try:
        pdf = document_pdf(document)
    except TRANSIENT:
        _release(document)
        raise
    except Exception as exc:
        logger.exception("document %s could not be rendered", document.pk)
        _fail(
            document,
            "The document could not be produced from this comparison "
            f"({type(exc).__name__}). Nothing else was changed; ask the support team, who have "
            "the details in the logs.",
        )
        return ClaimResult(Claim.SETTLED, document)
    _store(document, pdf)
    return ClaimResult(Claim.SETTLED, document)


def _release(document: JustificationDocument) -> None:
    """Give a claimed job back to the queue (a transient error: Celery will retry)."""
    JustificationDocument.objects.filter(
        pk=document.pk, status=Status.RENDERING, started_at=document.started_at
    ).update(status=Status.QUEUED)


def _store(document: JustificationDocument, pdf: bytes) -> None:
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        stored = JustificationDocument.objects.filter(
            pk=document.pk, status=Status.RENDERING, started_at=document.started_at
        ).update(
            status=Status.READY,
            pdf=pdf,
            sha256=digest,
            size=len(pdf),
            error="",
            finished_at=timezone.now(),
        )
        if not stored:
            # The claim was taken over after the lease ran out: the other worker's result counts.
            logger.warning("document %s: claim lost before storing; result discarded", document.pk)
            return
        audit_record(
            department=document.department,
            actor=None,
            action="document.ready",
            obj=document,
            summary=f"Issued the justification of comparison {document.comparison_id}",
            payload={
                "sha256": digest,
                "size": len(pdf),
                "fingerprint": document.comparison.fingerprint,
            },
        )


def documents_to_sweep(older_than: dt.timedelta, now: dt.datetime | None = None) -> list[str]:
    """Jobs a worker should have picked up by now: queued too long, or behind a dead claim."""
    now = now or timezone.now()
    stale = JustificationDocument.objects.filter(
        Q(status=Status.QUEUED, enqueued_at__lt=now - older_than)
        | Q(status=Status.RENDERING, started_at__lt=now - lease())
    )
    ids = [str(pk) for pk in stale.values_list("pk", flat=True)]
    # Only jobs still waiting: one stored or failed meanwhile never changes again.
    JustificationDocument.objects.filter(
        pk__in=ids, status__in=[Status.QUEUED, Status.RENDERING]
    ).update(enqueued_at=now)
    return ids
