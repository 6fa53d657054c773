"""The production shape talks to real Redis: the cache and Celery's broker."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.core.cache import cache

from config.celery import app


@pytest.mark.redis
def test_the_cache_is_redis_and_round_trips():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    key = f"test-{uuid.uuid4()}"
    cache.set(key, {"rupees": "1,23,45,678.00"}, timeout=30)
    assert cache.get(key) == {"rupees": "1,23,45,678.00"}
    import redis

    assert redis.Redis.from_url(settings.REDIS_URL).exists(f":1:{key}")


@pytest.mark.redis
def test_celery_publishes_to_the_redis_broker():
    assert app.conf.task_always_eager is False
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.transport_cls == "redis"
        queue = f"test-{uuid.uuid4()}"
        with connection.SimpleQueue(queue) as q:
            q.put({"hello": "worker"})
            assert q.get(timeout=5).payload == {"hello": "worker"}
            q.clear()


def test_without_redis_tasks_run_eagerly_in_process():
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: this checks the embedded default")
    assert app.conf.task_always_eager is True


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_healthz_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/catalogue/").status_code == 301


def test_every_process_knows_the_rendering_task_by_name():
    """A document is handed to its task by name; a process that imported nothing of the
    documents (a fresh manage.py command) must still find it."""
    import subprocess
    import sys

    script = (
        "import django; django.setup();"
        "from celery import current_app;"
        "from procurement.documents.jobs import RENDER_TASK;"
        "print(RENDER_TASK in current_app.tasks)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "True", result.stderr[-2000:]
