"""The production shape: docker-compose's services and commands, and gunicorn really serving the
app with compressed, cache-busted static files."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_web_worker_postgres_and_redis_with_health_checks():
    services = compose()["services"]
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "--appendonly" in services["redis"]["command"]
    env = services["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]


def test_compose_runs_one_celery_beat_that_sweeps_documents_every_few_seconds():
    services = compose()["services"]
    beats = [name for name, service in services.items() if "beat" in (service.get("command") or [])]
    assert beats == ["beat"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    schedule = settings.CELERY_BEAT_SCHEDULE["sweep-documents"]
    assert schedule["task"] == "procurement.tasks.sweep_documents"
    assert schedule["schedule"] <= 5 and settings.DOCUMENT_LEASE <= 10  # recovery ≤ 30 s


def test_every_command_compose_and_the_image_run_exists():
    commands = [" ".join(s.get("command") or []) for s in compose()["services"].values()]
    commands.append((ROOT / "Dockerfile").read_text())
    used = set(re.findall(r"manage\.py (\w+)", " ".join(commands)))
    assert {"migrate", "ensure_administrator", "collectstatic"} <= used
    assert "load_demo" not in used  # no demo accounts in the production shape
    assert used <= set(get_commands()), used - set(get_commands())
    assert 'CMD ["gunicorn", "config.wsgi"' in (ROOT / "Dockerfile").read_text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, **headers: str):
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10)


def test_gunicorn_serves_the_catalogue_and_compressed_hashed_static_files(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",  # its own SQLite file: this test must not touch the test database
        "REDIS_URL": "",
        "DJANGO_STATIC_ROOT": str(Path(settings.STATIC_ROOT)),
    }
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "timeout": 300}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **run)
    # The catalogue only: what is served, not the demo's departments, awards and history.
    catalogue = "providers/data/demo-catalogue.json"
    subprocess.run([sys.executable, "manage.py", "load_catalogue", catalogue], **run)
    port = free_port()
    server = subprocess.Popen(
        shlex.split(f"{BIN}/gunicorn config.wsgi --bind 127.0.0.1:{port} --workers 1"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                assert get(f"{base}/healthz").read() == b"ok"
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"gunicorn did not answer: {server.stderr.read1().decode()}")
        page = get(f"{base}/catalogue/").read().decode()
        assert "Sarvam" in page
        css = re.search(
            r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page
        )
        assert css, "the stylesheet is not served under a content-hashed name"
        response = get(base + css.group(1), **{"Accept-Encoding": "br, gzip"})
        assert response.headers["Content-Encoding"] == "br"
        assert "immutable" in response.headers["Cache-Control"]
        assert "max-age=315360000" in response.headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=10)
