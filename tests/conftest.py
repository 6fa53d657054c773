"""Shared fixtures, and the rule for tests that need real services.

Tests marked ``postgres``, ``redis`` or ``chromium`` skip with a reason when the service is not
there, so ``make test`` passes on a bare machine. ``.ci/run`` sets ``REQUIRE_SERVICES`` to the
services it started; a test that would skip for want of one of those fails instead, so CI can
never go green having quietly skipped them.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

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


CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "hi" / "LC_MESSAGES" / "django"


def _check_catalogue_compiled() -> None:
    """The pages and PDFs in Hindi read the compiled catalogue (git-ignored): refuse to run the
    tests against a missing or stale one rather than fail them one by one."""
    po, mo = CATALOGUE.with_suffix(".po"), CATALOGUE.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        raise pytest.UsageError(f"{mo} is missing or older than its .po: run `make messages`")


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (``make test`` runs two workers), each worker has a test database of its
    own (pytest-django adds the worker's name) and, here, a Redis database of its own: the next
    numbers after REDIS_URL's. Otherwise one worker's Celery tasks, throttle counters and
    ``flushdb`` would reach the other's tests."""
    _check_catalogue_compiled()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not settings.configured or not settings.REDIS_URL:
        return
    from urllib.parse import urlsplit, urlunsplit

    from celery import current_app

    url = urlsplit(settings.REDIS_URL)
    base = int(url.path.strip("/") or 0)
    own = urlunsplit(url._replace(path=f"/{base + 1 + int(worker[2:])}"))
    os.environ["REDIS_URL"] = own  # the Celery workers and servers the tests start
    settings.REDIS_URL = own
    settings.CELERY_BROKER_URL = own
    settings.CACHES["default"]["LOCATION"] = own
    current_app.conf.broker_url = own


def pytest_report_header(config: pytest.Config) -> list[str]:
    if not settings.configured:  # e.g. the engine's tests alone, with -p no:django
        return []
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
def _english_to_start_with():
    """Each test starts in English: a request in Hindi leaves Hindi active in the thread that
    served it (Django's test client runs requests in the test's thread)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """A fast hasher for the tests' passwords, as Django's testing docs advise: the product's
    (PBKDF2, a million rounds) takes a third of a second a password, and the tests create
    hundreds of accounts (load_demo alone, 46). What is tested is who may do what, not PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


class _Rollback(Exception):
    pass


def _catalogue_models():
    """The catalogue's tables in an order that inserts each row after those it refers to, then
    the offerings' many-to-many tables."""
    from providers.models import (
        Certification,
        Evaluator,
        FxRate,
        Language,
        Offering,
        PriceRecord,
        Provider,
        QualityEvaluation,
        Region,
    )

    tables = [Language, Region, Evaluator, FxRate, Provider, Offering, PriceRecord]
    tables += [Certification, QualityEvaluation]
    links = [
        Offering.processing_regions.through,
        Offering.storage_regions.through,
        Offering.log_regions.through,
        Offering.languages.through,
    ]
    return tables + links


@pytest.fixture(scope="session")
def _demo_catalogue_rows(django_db_setup, django_db_blocker):
    """The demo catalogue's rows as ``catalogue_load`` stores them: loaded once per session in a
    transaction rolled back, kept in memory. (Its loading is tested in test_catalogue_load.py.)"""
    from django.db import transaction

    from procurement.management.commands.load_demo import DEMO_CATALOGUE
    from providers.catalogue_format import parse_catalogue
    from providers.services import catalogue_load

    rows = {}
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                catalogue_load(parse_catalogue(DEMO_CATALOGUE.read_text()))
                for model in _catalogue_models():
                    rows[model] = list(model.objects.order_by("pk"))
                raise _Rollback
        except _Rollback:
            pass
    return rows


@pytest.fixture
def demo_catalogue(db, _demo_catalogue_rows):
    """The demo catalogue that `make run` loads: the rows ``catalogue_load`` stores, inserted
    whole (a tenth of the time of loading the file, which hundreds of tests ask for)."""
    from django.core.management.color import no_style

    for model, rows in _demo_catalogue_rows.items():
        model.objects.bulk_create(rows)
    # The next row a test adds takes the next number, as after a load.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(_demo_catalogue_rows)):
            cursor.execute(sql)


# The officer's workflow: three users as healthchecks does — alice (officer) and bob (approver)
# in one department, charlie (officer) in another — so every cross-tenant check is one line.

PASSWORD = "correct-horse-battery-2026"


def make_user(username: str, department, role: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from procurement.models import Membership

    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username)
    user.groups.add(Group.objects.get(name=role))
    Membership.objects.create(user=user, department=department)
    return user


@pytest.fixture
def departments(db, policy_pack):
    """Two departments, each having adopted the central pack's published version."""
    from procurement.models import Department

    return (
        Department.objects.create(slug="health", name="eHealth Division", adopted_pack=policy_pack),
        Department.objects.create(
            slug="revenue", name="Tax Systems Directorate", adopted_pack=policy_pack
        ),
    )


@pytest.fixture
def alice(departments):
    from procurement.roles import OFFICER

    return make_user("alice", departments[0], OFFICER)


@pytest.fixture
def bob(departments):
    from procurement.roles import APPROVER

    return make_user("bob", departments[0], APPROVER)


@pytest.fixture
def charlie(departments):
    from procurement.roles import OFFICER

    return make_user("charlie", departments[1], OFFICER)


def publish_pack(name: str):
    """A pack shipped with the engine, published as the migration stores it (a flush between
    browser tests removes it, so tests ask for it explicitly)."""
    from procurement.engine import load_policy, policy_to_dict
    from procurement.engine.packs import pack_data
    from procurement.models import PolicyPack

    policy = load_policy(pack_data(name))
    pack, _ = PolicyPack.objects.get_or_create(
        slug=policy.pack_id,
        version=policy.version,
        defaults={
            "title": policy.title,
            "status": PolicyPack.Status.PUBLISHED,
            "document": policy_to_dict(policy),
            "effective_from": policy.effective_from,
            "published_at": dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
        },
    )
    return pack


@pytest.fixture
def policy_pack(db):
    """The shipped central India pack, published."""
    return publish_pack("india-default")


@pytest.fixture
def state_pack(db):
    """The demo pack of a fictional state whose (fictional) order empowers the premium."""
    return publish_pack("demo-state-transition")


def workload_data(**overrides):
    """A valid workload for the small and demo catalogues: a Hindi/English citizen helpline."""
    data = {
        "title": "Citizen helpline",
        "description": "Answers questions about schemes in Hindi and English.",
        "use_case": "citizen_services",
        "languages": ["en", "hi"],
        "requests_per_day": 50_000,
        "mean_input_tokens": Decimal("800"),
        "mean_output_tokens": Decimal("300"),
        "cached_input_share_pct": Decimal("20"),
        "annual_growth_pct": Decimal("15"),
        "peak_to_average": Decimal("3"),
        "term_years": 3,
        "start_date": dt.date(2027, 1, 1),
        "data_classification": ["personal"],
        "max_p95_latency_ms": 3000,
        "min_availability_pct": Decimal("99.5"),
        "procurement_category": "non_consultancy",
    }
    return {**data, **overrides}


def workload_values(**overrides):
    """``workload_data()`` as the typed values the services take."""
    from procurement.workload_fields import values_from

    return values_from(workload_data(**overrides))


@pytest.fixture
def workload(alice):
    from procurement import services

    return services.workload_create(user=alice, values=workload_values())


@pytest.fixture
def comparison(alice, workload, policy_pack, demo_catalogue):
    from procurement import services

    return services.comparison_run(
        user=alice, workload=workload, decision_date=dt.date(2026, 11, 26)
    )


def broken_comparison(like, fingerprint: str):
    """A comparison row whose snapshot cannot be rendered (its results are empty), in the
    department of ``like``: the way to make a justification fail for a reason of its own."""
    from procurement.models import Comparison

    return Comparison.objects.create(
        department=like.department,
        workload=like.workload,
        policy_pack=like.policy_pack,
        decision_date=like.decision_date,
        snapshot='{"results": {}}',
        fingerprint=fingerprint,
        engine_version="test",
        offer_count=0,
        eligible_count=0,
        uses_demo_data=True,
        created_by=like.created_by,
    )


@pytest.fixture
def award_factory(db, policy_pack, demo_catalogue):
    """``award(slug, *, sector=..., body_type=..., ministry=..., status="approved",
    restricted=None, **workload)``: an award decided in department ``slug`` (made on first use,
    with an officer and an approver of its own) for a workload of ``workload_data(**workload)``.
    Only the summary's own functions are called by the tests: with Redis set, the refresh an
    approval hands to Celery waits for a worker that the tests do not run."""
    from procurement import services
    from procurement.models import Department
    from procurement.roles import APPROVER, OFFICER

    people = {}

    def award(
        slug,
        *,
        sector="citizen_services",
        body_type="central_ministry",
        ministry="Ministry of Electronics and Information Technology (demo)",
        status="approved",
        restricted=None,
        offer_id=None,
        **workload,
    ):
        if slug not in people:
            department = Department.objects.create(
                slug=slug,
                name=f"{slug.title()} Department (demo)",
                adopted_pack=policy_pack,
                sector=sector,
                body_type=body_type,
                parent=ministry,
                is_demo=True,
            )
            people[slug] = (
                make_user(f"{slug}-officer", department, OFFICER),
                make_user(f"{slug}-approver", department, APPROVER),
            )
        officer, approver = people[slug]
        w = services.workload_create(user=officer, values=workload_values(**workload))
        comparison = services.comparison_run(
            user=officer, workload=w, decision_date=dt.date(2026, 11, 26)
        )
        chosen = offer_id or comparison.recommended_offer_id
        decision = services.decision_propose(
            user=officer,
            comparison=comparison,
            offer_id=chosen,
            reason="" if chosen == comparison.recommended_offer_id else "Chosen for the test.",
            restricted=restricted,
        )
        if status == "approved":
            decision = services.decision_approve(user=approver, decision=decision)
        elif status == "returned":
            decision = services.decision_return(user=approver, decision=decision, note="Again.")
        return decision

    return award
