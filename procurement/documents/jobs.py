"""Rendering justification documents: claim the job, build the PDF, store exactly one result.

Celery delivers a task at least once, so exactly one *result* comes from the database (an
outbox):

* the JustificationDocument row is the job, written in the request's transaction;
* a worker claims it with a conditional update (queued → rendering) and, while it renders,
  renews the claim every third of the lease (``started_at`` is the claim's last renewal); a claim
  not renewed for a lease belongs to a dead worker and is taken over;
* the result is written only while that claim still holds, so a slow worker whose claim was
  taken over cannot write a second result;
* every claim counts an attempt, and a job that has crashed its worker ``MAX_ATTEMPTS`` times
  is marked failed instead of looping forever;
* the sweeper (``procurement.tasks.sweep_documents``, run by Celery beat every few seconds;
  ``manage.py sweep_documents`` by hand) re-enqueues jobs left queued too long (a lost message,
  the broker down when it was requested, a Redis restart) or behind a dead claim. A worker
  killed mid-render is so recovered within lease + sweep interval + one rendering: 30 s.
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
import threading
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from procurement.audit import audit_record
from procurement.documents.bid_document import bid_document_context
from procurement.documents.bilingual import BILINGUAL, render_bilingual, render_in
from procurement.documents.content import document_context
from procurement.documents.evaluation_report import evaluation_report_context
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
    """How long a claim protects a rendering without being renewed."""
    return dt.timedelta(seconds=settings.DOCUMENT_LEASE)


class Heartbeat:
    """Renews a claim every third of the lease while this worker renders, in a thread of its
    own, so that a live rendering of any length keeps its claim and a dead one loses it within
    a lease. ``document.started_at`` follows the renewals: it is the claim ``_store`` checks."""

    def __init__(self, document: JustificationDocument) -> None:
        self.document = document
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._renew, name="document-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _renew(self) -> None:
        try:
            while not self.stopped.wait(lease().total_seconds() / 3):
                now = timezone.now()
                claim = self.document.started_at
                renewed = JustificationDocument.objects.filter(
                    pk=self.document.pk, status=Status.RENDERING, started_at=claim
                ).update(started_at=now)
                if not renewed:
                    return  # taken over: _store will find the claim lost
                self.document.started_at = now
        finally:
            connection.close()


class Claim(enum.Enum):
    CLAIMED = "claimed"  # this worker renders it now
    BUSY = "busy"  # another live worker holds it; try again after the lease
    SETTLED = "settled"  # ready, failed or gone: nothing to do


@dataclass(frozen=True)
class ClaimResult:
    outcome: Claim
    document: JustificationDocument | None = None
    retry_after: float = 0.0


def document_enqueue(document_id: str) -> bool:
    """Hand a document to a worker (without Redis: render it now, in this process).

    False when the broker cannot be reached: the job stays queued in the database, where the
    sweeper finds it and enqueues it again once the broker is back.
    """
    try:
        current_app.tasks[RENDER_TASK].delay(document_id)
    except (BrokerError, RedisError):
        logger.warning("document %s: the broker is unreachable; left for the sweeper", document_id)
        return False
    return True


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


def document_html(
    document: JustificationDocument,
) -> tuple[str, dict[str, tuple[bytes, str]]]:
    """The HTML of a document and the files attached to its PDF: a file note (the justification
    template, with the snapshot attached), a tender's bid document (which goes to bidders: no
    snapshot, whose market survey names providers) or a tender's bid evaluation committee
    report (its evaluation's snapshot attached: the bids' terms as evaluated, for replay). In
    Hindi and English (documents/bilingual.py), or in the one language of an older request."""
    comparison = document.comparison
    attachments: dict[str, tuple[bytes, str]] = {}
    if document.kind == JustificationDocument.Kind.BID_DOCUMENT:
        template, context = "documents/bid_document.html", bid_document_context
    elif document.kind == JustificationDocument.Kind.EVALUATION_REPORT:
        template, context = "documents/evaluation_report.html", evaluation_report_context
        attachments[f"evaluation-{comparison.fingerprint[:12]}-snapshot.json"] = (
            comparison.snapshot.encode("utf-8"),
            "Snapshot of the evaluation: every input and result; SHA-256 fingerprint "
            f"{comparison.fingerprint}",
        )
    else:
        template, context = "documents/justification.html", document_context
        attachments[f"comparison-{comparison.pk}-snapshot.json"] = (
            comparison.snapshot.encode("utf-8"),
            f"Snapshot of every input and result; SHA-256 fingerprint {comparison.fingerprint}",
        )
    if document.language == BILINGUAL:
        html = render_bilingual(template, lambda: context(document))
    else:  # a document requested in one language before documents were bilingual
        html = render_in(document.language, template, lambda: context(document))
    return html, attachments


def document_pdf(document: JustificationDocument) -> bytes:
    """The PDF/A of a document (:func:`document_html`)."""
    html, attachments = document_html(document)
    rendered = render_pdf(html, attachments=attachments, when=document.requested_at)
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
        with Heartbeat(document):
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
            summary=_issued(document),
            payload={
                "sha256": digest,
                "size": len(pdf),
                "fingerprint": document.comparison.fingerprint,
            },
        )


def _issued(document: JustificationDocument) -> str:
    tender = document.tender
    if tender is not None and document.kind == JustificationDocument.Kind.EVALUATION_REPORT:
        return f"Issued the bid evaluation committee report of tender {tender.reference}"
    if tender is not None:
        return f"Issued the bid document of tender {tender.reference}"
    return f"Issued the justification of comparison {document.comparison_id}"


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
