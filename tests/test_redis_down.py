"""Redis unreachable (the cache, the request budgets and the task broker all point at a closed
port): reads still answer, API writes answer a JSON 503 that says why, never an HTML 500;
"Generate justification" leaves its job queued for the sweeper and a retry makes no duplicate."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from celery import current_app
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils.timezone import now

from procurement import services
from procurement.api.views import ComparisonViewSet
from procurement.documents.jobs import document_enqueue, documents_to_sweep
from procurement.models import AuditEvent, JustificationDocument, Workload
from procurement.roles import OFFICER
from tests.conftest import workload_data
from tests.test_api_support import client_with, make_key

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def broker_at(url: str) -> None:
    """Point Celery's producers at ``url``: its connection pools are made again on next use."""
    current_app.conf.broker_url = url
    current_app._pool = None
    current_app.amqp._producer_pool = None


@contextmanager
def outage():
    """The cache and Celery's broker at a closed port, as if Redis had gone away; back after."""
    was = current_app.conf.broker_url
    broker_at(CLOSED)
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED}
    }
    try:
        with override_settings(CACHES=caches, REDIS_URL=CLOSED, CELERY_BROKER_URL=CLOSED):
            yield
    finally:
        broker_at(was)


@pytest.fixture
def redis_down():
    with outage():
        yield


@pytest.fixture
def officer(departments):
    return client_with(make_key(departments[0], (OFFICER,), "HMIS")[1])


def test_anonymous_catalogue_reads_still_answer(redis_down, small_catalogue):
    client = client_with()
    for name in ("api:provider-list", "api:offering-list", "api:fx-rate-list"):
        response = client.get(reverse(name))
        assert response.status_code == 200, (name, response.content[:200])
    assert client.get(reverse("catalogue:provider_list")).status_code == 200


def test_an_api_write_is_a_json_503_that_says_why_and_changes_nothing(redis_down, officer):
    response = officer.post(reverse("api:workload-list"), workload_data(), format="json")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert "unreachable" in detail and "Nothing was changed" in detail
    assert not Workload.objects.exists()
    assert officer.get(reverse("api:workload-list")).status_code == 200  # reads still answer


def test_a_justification_requested_with_the_broker_down_waits_for_the_sweeper(
    redis_down, alice, comparison, client, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    url = reverse("document_create", args=[comparison.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        retry = client.post(url)  # the officer presses the button again
    assert first.status_code == retry.status_code == 302
    assert first["Location"] == retry["Location"]
    document = JustificationDocument.objects.get()
    assert document.status == JustificationDocument.Status.QUEUED
    assert AuditEvent.objects.filter(action="document.requested").count() == 1
    page = client.get(first["Location"])
    assert page.status_code == 200 and "No need to ask again" in page.content.decode()
    # The sweeper finds the job once it has waited longer than a handed-over one would.
    later = document.enqueued_at + dt.timedelta(minutes=2)
    assert documents_to_sweep(dt.timedelta(seconds=60), now=later) == [str(document.pk)]


def test_the_api_document_request_with_the_broker_down_is_queued_not_a_500(
    redis_down, officer, comparison, django_capture_on_commit_callbacks, monkeypatch
):
    """A write that gets past the request budget (no throttle here) and then finds the broker
    down: the job is queued in the database, answered 202, and a retry returns the same one."""
    url = reverse("api:comparison-documents", args=[comparison.pk])
    monkeypatch.setattr(ComparisonViewSet, "throttle_classes", [])
    with django_capture_on_commit_callbacks(execute=True):
        first = officer.post(url, {}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        retry = officer.post(url, {}, format="json")
    assert first.status_code == retry.status_code == 202
    assert first.json()["id"] == retry.json()["id"] and first.json()["status"] == "queued"
    assert JustificationDocument.objects.count() == 1


def test_a_request_is_idempotent_per_comparison_and_language_until_it_fails(
    alice, comparison, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = services.document_request(user=alice, comparison=comparison)
        again = services.document_request(user=alice, comparison=comparison)
        hindi = services.document_request(user=alice, comparison=comparison, language="hi")
    assert first.pk == again.pk and hindi.pk != first.pk
    # It fails the only way a job can: claimed by a worker, then failed.
    rows = JustificationDocument.objects.filter(pk=first.pk)
    rows.update(
        status=JustificationDocument.Status.RENDERING, attempts=F("attempts") + 1, started_at=now()
    )
    rows.update(status=JustificationDocument.Status.FAILED, error="The renderer crashed.")
    with django_capture_on_commit_callbacks(execute=False):
        anew = services.document_request(user=alice, comparison=comparison)
    assert anew.pk not in (first.pk, hindi.pk)
    assert JustificationDocument.objects.filter(comparison=comparison).count() == 3


@pytest.mark.redis
def test_once_redis_is_back_jobs_reach_the_broker_again(alice, comparison):
    with outage():
        assert document_enqueue("00000000-0000-0000-0000-000000000000") is False
    assert document_enqueue("00000000-0000-0000-0000-000000000000") is True
