"""Shared fixtures, and the rule for tests that need real services.

Tests marked ``postgres``, ``redis`` or ``chromium`` skip with a reason when the service is not
there, so ``make test`` passes on a bare machine. ``.ci/run`` sets ``REQUIRE_SERVICES`` to the
services it started; a test that would skip for want of one of those fails instead, so CI can
never go green having quietly skipped them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

REQUIRED = {s.strip() for s in os.environ.get("REQUIRE_SERVICES", "").split(",") if s.strip()}
CHROMIUM = Path("/usr/bin/chromium")
DATA = Path(__file__).parent / "data"


def redis_answers() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def _missing(service: str) -> str | None:
    """Why ``service`` is unavailable, or None when it is there."""
    if service == "postgres":
        if connection.vendor != "postgresql":
            return "needs PostgreSQL: set DATABASE_URL=postgres://… (the tests ran on SQLite)"
    elif service == "redis":
        if not redis_answers():
            return "needs Redis: set REDIS_URL=redis://… to a server that answers"
    elif service == "chromium" and not CHROMIUM.exists():
        return f"needs Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)"
    return None


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    where = f"{db.get('HOST') or 'local socket'}:{db.get('PORT') or '-'}" if db.get("HOST") else ""
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {where} {db['NAME']}".rstrip(),
        f"redis: {settings.REDIS_URL or 'none (Celery eager, local cache)'}",
        f"required services: {', '.join(sorted(REQUIRED)) or 'none'}",
    ]


def pytest_runtest_setup(item: pytest.Item) -> None:
    for service in ("postgres", "redis", "chromium"):
        if item.get_closest_marker(service) is None:
            continue
        reason = _missing(service)
        if reason and service in REQUIRED:
            pytest.fail(f"{reason} — and REQUIRE_SERVICES says {service} must be there")
        if reason:
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and cached values must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def model_prices_file() -> Path:
    """LiteLLM's real price file, read in place (never copied into the repository): from
    MODEL_PRICES_JSON, else the workplace's shared data beside the checkout."""
    candidates = [
        Path(settings.BASE_DIR).parent / "shared" / "data" / "model_prices.json",
        Path("/work/shared/data/model_prices.json"),
    ]
    if os.environ.get("MODEL_PRICES_JSON"):
        candidates = [Path(os.environ["MODEL_PRICES_JSON"])]
    for path in candidates:
        if path.exists():
            return path
    pytest.skip(
        f"LiteLLM price file not found (looked in {', '.join(map(str, candidates))}): "
        "set MODEL_PRICES_JSON to its location"
    )


@pytest.fixture
def small_catalogue(db):
    """The small two-provider catalogue of tests/data, loaded."""
    from providers.catalogue_format import parse_catalogue
    from providers.services import catalogue_load

    catalogue_load(parse_catalogue((DATA / "small-catalogue.json").read_text()))


@pytest.fixture
def demo_catalogue(db):
    """The demo catalogue that `make run` loads."""
    from procurement.management.commands.load_demo import DEMO_CATALOGUE
    from providers.catalogue_format import parse_catalogue
    from providers.services import catalogue_load

    catalogue_load(parse_catalogue(DEMO_CATALOGUE.read_text()))
