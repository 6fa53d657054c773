"""A real Celery worker, on the real Redis, rendering into the real PostgreSQL test database.

Figures reported by these tests (RELIABILITY.md): jobs, kills, completed, lost, duplicates; jobs
recovered after Redis is emptied.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.management import call_command

from procurement import services
from procurement.models import AuditEvent, JustificationDocument
from procurement.tasks import render_document
from tests.conftest import broken_comparison, workload_values

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(settings.BASE_DIR)
LEASE_SECONDS = 12  # the worker's hard time limit (a dead claim lapses after DOCUMENT_LEASE)
Status = JustificationDocument.Status


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    return (
        f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


class Worker:
    """`celery worker` in a subprocess, pointed at the test database."""

    def __init__(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_DOCUMENT_TIME_LIMIT": str(LEASE_SECONDS),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                "documents,celery",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def child_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def stop(self) -> str:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        output, _ = self.process.communicate(timeout=30)
        return output.decode(errors="replace")


@pytest.fixture
def worker():
    started = Worker()
    yield started
    started.stop()


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def status_of(document) -> str:
    return JustificationDocument.objects.values_list("status", flat=True).get(pk=document.pk)


@pytest.fixture
def comparisons(alice, policy_pack, demo_catalogue):
    workload = services.workload_create(user=alice, values=workload_values())
    return [
        services.comparison_run(user=alice, workload=workload, decision_date=dt.date(2026, 11, 26))
        for _ in range(3)
    ]


@pytest.fixture(autouse=True)
def empty_queues():
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def test_a_worker_renders_a_document_and_a_second_delivery_leaves_one(alice, comparisons, worker):
    document = services.document_request(user=alice, comparison=comparisons[0])
    wait_for(lambda: status_of(document) == Status.READY, 90, "the document to be ready")
    sha256 = JustificationDocument.objects.get(pk=document.pk).sha256

    render_document.delay(str(document.pk))  # the same job, delivered again
    time.sleep(3)
    document.refresh_from_db()
    assert (document.status, document.sha256, document.attempts) == (Status.READY, sha256, 1)
    assert AuditEvent.objects.filter(action="document.ready").count() == 1
    assert JustificationDocument.objects.count() == 1


def test_a_rendering_error_leaves_the_row_failed_with_a_message(alice, comparisons, worker):
    good = services.document_request(user=alice, comparison=comparisons[0])
    broken = broken_comparison(comparisons[0], "f" * 64)
    bad = services.document_request(user=alice, comparison=broken)
    wait_for(lambda: status_of(bad) == Status.FAILED, 90, "the broken document to fail")
    wait_for(lambda: status_of(good) == Status.READY, 90, "the good document to be ready")
    assert JustificationDocument.objects.get(pk=bad.pk).error.startswith(
        "The document could not be produced"
    )


def test_killing_the_rendering_process_still_gives_exactly_one_document(alice, comparisons, worker):
    jobs = [
        services.document_request(user=alice, comparison=comparison) for comparison in comparisons
    ]
    kills = 0
    for job in jobs:
        wait_for(lambda job=job: status_of(job) == Status.RENDERING, 90, "rendering to start")
        children = worker.child_pids()
        if children and status_of(job) == Status.RENDERING:
            os.kill(children[0], signal.SIGKILL)  # the pool process rendering this job
            kills += 1
    for job in jobs:
        wait_for(lambda job=job: status_of(job) in (Status.READY, Status.FAILED), 180, "the job")
    rows = JustificationDocument.objects.filter(pk__in=[j.pk for j in jobs])
    completed = rows.filter(status=Status.READY).count()
    duplicates = AuditEvent.objects.filter(action="document.ready").count() - completed
    print(
        f"\njobs {len(jobs)}, kills {kills}, completed {completed}, "
        f"lost {len(jobs) - completed}, duplicates {duplicates}"
    )
    assert kills == len(jobs)
    assert completed == len(jobs) and duplicates == 0
    assert all(row.attempts == 2 for row in rows)  # the killed attempt and the one that finished


def test_a_killed_worker_is_recovered_by_the_sweeper(alice, comparisons, settings):
    first = Worker()
    job = services.document_request(user=alice, comparison=comparisons[0])
    wait_for(lambda: status_of(job) == Status.RENDERING, 90, "rendering to start")
    first.stop()  # SIGKILL to the whole worker: its message stays unacknowledged in Redis
    second = Worker()
    try:
        time.sleep(settings.DOCUMENT_LEASE + 1)  # the dead claim lapses
        call_command("sweep_documents", "--older-than", "0", stdout=StringIO())
        wait_for(lambda: status_of(job) == Status.READY, 90, "the swept job to be ready")
    finally:
        second.stop()
    assert AuditEvent.objects.filter(action="document.ready").count() == 1


def test_jobs_lost_with_redis_are_recovered_by_the_sweeper(alice, comparisons):
    jobs = [
        services.document_request(user=alice, comparison=comparison) for comparison in comparisons
    ]
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # Redis restarted without persistence
    worker = Worker()
    try:
        time.sleep(3)
        assert all(status_of(job) == Status.QUEUED for job in jobs), "nothing left to run"
        call_command("sweep_documents", "--older-than", "0", stdout=StringIO())
        for job in jobs:
            wait_for(lambda job=job: status_of(job) == Status.READY, 120, "a recovered job")
    finally:
        worker.stop()
    print(f"\njobs queued {len(jobs)}, lost with Redis {len(jobs)}, recovered {len(jobs)}")
