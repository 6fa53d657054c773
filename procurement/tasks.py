"""Celery tasks. Each takes ids, claims its row, calls one service and records failure."""

from __future__ import annotations

import datetime as dt

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from procurement import notifications, summary
from procurement.audit import checkpoint_create
from procurement.documents.jobs import (
    MAX_ATTEMPTS,
    RENDER_TASK,
    TRANSIENT,
    Claim,
    document_enqueue,
    document_render,
    documents_to_sweep,
)

# A queued job whose message has not been taken for this long was lost (or never handed over:
# the broker was down when it was requested).
LOST_AFTER = dt.timedelta(seconds=60)


@shared_task(
    name=RENDER_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=MAX_ATTEMPTS * 3,
    time_limit=settings.DOCUMENT_TIME_LIMIT,
    soft_time_limit=max(settings.DOCUMENT_TIME_LIMIT - 30, settings.DOCUMENT_TIME_LIMIT // 2),
)
def render_document(self: Task[[str], str], document_id: str) -> str:
    """Render one justification document.

    Idempotent: however many times it is delivered — a retry, a redelivery after its worker
    died, a sweep of the queue — one PDF is stored for the document. A delivery that finds the
    document claimed by a worker that may still be alive comes back when that claim lapses.
    """
    claim = document_render(document_id)
    if claim.outcome is Claim.BUSY:
        raise self.retry(countdown=claim.retry_after, max_retries=None)
    return str(claim.outcome.value)


CHECKPOINT_TASK = "procurement.tasks.audit_checkpoint"


@shared_task(name=CHECKPOINT_TASK)
def audit_checkpoint() -> str:
    """Sign and store the heads of every audit chain (run by Celery beat every
    ``AUDIT_CHECKPOINT_EVERY`` seconds); nothing new when no chain moved since the last."""
    checkpoint = checkpoint_create(only_if_changed=True)
    return f"checkpoint {checkpoint.pk}" if checkpoint else "no chain moved"


@shared_task(name="procurement.tasks.sweep_documents", ignore_result=True)
def sweep_documents() -> int:
    """Re-enqueue the jobs a worker should have taken by now (Celery beat runs it every
    ``DOCUMENT_SWEEP_SECONDS``): behind a dead worker's lapsed claim, or queued and lost."""
    ids = documents_to_sweep(LOST_AFTER)
    for document_id in ids:
        document_enqueue(document_id)
    return len(ids)


@shared_task(name=summary.AWARD_TASK, acks_late=True, autoretry_for=TRANSIENT, max_retries=5)
def summary_award(decision_id: int) -> int:
    """Record an approved award's contribution and rewrite the dashboard's series it counts in
    (idempotent: the fact is made once, the series are rewritten whole)."""
    return summary.award_refresh(decision_id)


@shared_task(name=summary.USAGE_TASK, acks_late=True, autoretry_for=TRANSIENT, max_retries=5)
def summary_usage(quarters: list[str]) -> int:
    """Rewrite the projected-against-actual cells of the quarters usage was reported for."""
    summary.usage_refresh(quarters)
    return len(quarters)


@shared_task(name="procurement.tasks.summary_sweep", ignore_result=True)
def summary_sweep() -> int:
    """Awards approved without their contribution recorded (a lost task), and this and last
    quarter's usage cells (run by beat every ``SUMMARY_SWEEP_SECONDS``)."""
    return summary.sweep()


@shared_task(name="procurement.tasks.accreditation_reminders", ignore_result=True)
def accreditation_reminders() -> int:
    """Remind evaluator organisations of accreditations that expire in 30 days (beat, daily)."""
    return notifications.accreditations_expiring(timezone.localdate())
