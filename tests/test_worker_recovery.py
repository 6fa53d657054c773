"""Fault test: a rendering worker killed mid-document (SIGKILL to the whole worker, so its
message stays unacknowledged in Redis for the visibility timeout) is recovered within 30 s by
the shipped configuration alone: the claim lapses (DOCUMENT_LEASE), Celery beat runs the
sweeper (DOCUMENT_SWEEP_SECONDS), another worker renders it. Exactly one document is issued.

Real processes throughout: `celery worker` twice and `celery beat`, on the real Redis, into the
real PostgreSQL test database. Slow-ish (about half a minute): it is the figure RELIABILITY.md
quotes.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings

from procurement import services
from procurement.models import AuditEvent, JustificationDocument
from tests.conftest import workload_values
from tests.test_document_worker import ROOT, database_url, status_of, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.chromium,
    pytest.mark.django_db(transaction=True),
]

RECOVERY_SECONDS = 30
Status = JustificationDocument.Status


def celery(*arguments: str) -> subprocess.Popen[bytes]:
    """A celery process with the shipped settings, pointed at the test database."""
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *arguments, "--loglevel", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def worker() -> subprocess.Popen[bytes]:
    return celery(
        "worker", "-Q", "documents,celery", "--concurrency", "2", "--without-gossip",
        "--without-mingle",
    )  # fmt: skip


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture(autouse=True)
def empty_queues():
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def test_a_worker_killed_mid_render_is_recovered_within_30_seconds(
    alice, policy_pack, demo_catalogue, tmp_path, capsys
):
    workload = services.workload_create(user=alice, values=workload_values())
    comparison = services.comparison_run(
        user=alice, workload=workload, decision_date=dt.date(2026, 11, 26)
    )
    beat = celery("beat", "--schedule", str(tmp_path / "beat-schedule"))
    first = worker()
    processes = [beat, first]
    try:
        document = services.document_request(user=alice, comparison=comparison)
        wait_for(lambda: status_of(document) == Status.RENDERING, 90, "rendering to start")
        kill(first)  # the whole worker, mid-render: no requeue, its message stays unacked
        killed_at = time.monotonic()
        assert status_of(document) == Status.RENDERING
        processes.append(worker())
        wait_for(lambda: status_of(document) == Status.READY, 60, "the document")
        recovered = time.monotonic() - killed_at
    finally:
        for process in processes:
            kill(process)
    with capsys.disabled():
        print(f"\nworker killed mid-render: document ready {recovered:.1f} s after the kill")
    assert recovered <= RECOVERY_SECONDS
    assert JustificationDocument.objects.filter(comparison=comparison).count() == 1
    assert AuditEvent.objects.filter(action="document.ready").count() == 1
    assert JustificationDocument.objects.get(pk=document.pk).attempts == 2
