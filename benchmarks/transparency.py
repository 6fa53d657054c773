"""Benchmark of the transparency dashboard at national scale:
``.venv/bin/python benchmarks/transparency.py [--postgres URL]``.

On a throwaway PostgreSQL database (``seed_scale`` needs COPY; the server of ``--postgres``,
else ``DATABASE_URL``, else the local one) holding the demo data (``load_demo``), it seeds
10,000 synthetic awards (``seed_scale``), then grows them to 1,000,000, and at both sizes:

- serves the app with gunicorn (2 sync workers, DEBUG off, throttling raised out of the way)
  and times ``/transparency/`` and every JSON figure ``/api/v1/transparency/<figure>/`` (the
  names of ``national.FIGURES``, and ``scenario?since=2025-Q1&premium=10``) from 2 client
  threads: p50 and p95 in ms, and at the end the ratio 1,000,000 / 10,000 of each;
- prints, at 1,000,000, ``EXPLAIN ANALYZE`` of every query the functions behind those routes
  make (``national.headline``, ``national.figure``, ``national.scenario``), and of the queries of
  one approval's refresh (``summary.award_refresh``);
- at 1,000,000 awards, starts a real Celery worker (as docker-compose's ``worker``: queues
  documents and celery, 2 processes) on the Redis of ``REDIS_URL`` (default db 6 of the local
  one, emptied first), approves an award through the services as the demo approver, and polls
  the national cell until it counts that award: the seconds from the approval to the updated
  summary.

This script reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.api import (  # noqa: E402
    LOCAL_POSTGRES,
    add_postgres_option,
    free_port,
    gunicorn,
    load,
    production_env,
    throwaway_database,
)

SIZES = (10_000, 1_000_000)
LOCAL_REDIS = "redis://127.0.0.1:6379/6"
SCENARIO_SINCE, SCENARIO_PREMIUM = "2025-Q1", 10
SCENARIO_QUERY = f"since={SCENARIO_SINCE}&premium={SCENARIO_PREMIUM}"
SCENARIO = f"scenario?{SCENARIO_QUERY}"  # its name in the figures printed


def paths() -> dict[str, str]:
    from procurement import national

    return (
        {"page": "/transparency/"}
        | {name: f"/api/v1/transparency/{name}/" for name in national.FIGURES}
        | {SCENARIO: f"/api/v1/transparency/scenario/?{SCENARIO_QUERY}"}
    )


def functions() -> dict[str, Callable[[], Any]]:
    """What each path shows, as the functions behind it (for their query plans)."""
    from procurement import national

    def page() -> None:
        national.headline()
        for name in national.FIGURES:
            national.figure(name)

    return (
        {"page": page}
        | {name: (lambda name=name: national.figure(name)) for name in national.FIGURES}
        | {SCENARIO: lambda: national.scenario(SCENARIO_SINCE, SCENARIO_PREMIUM)}
    )


def seed(awards: int) -> None:
    from django.core.management import call_command

    began = time.perf_counter()
    call_command("seed_scale", awards=awards, demo_instance=True, stdout=io.StringIO())
    print(f"seed_scale --awards {awards:,}: {time.perf_counter() - began:.1f} s", flush=True)
    settle()


def settle() -> None:
    """Let the server finish the seeding's work before timing (a checkpoint of the WAL it
    wrote, the cell tables' dead rows from the rebuild vacuumed), so it is not timed too."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        for table in ("transparencycell", "scenariocell", "usagecell"):
            cursor.execute(f"VACUUM (ANALYZE) procurement_{table}")
    time.sleep(5)


def percentiles(latencies: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49], cuts[94]


def time_http(port: int, requests: int, threads: int) -> dict[str, tuple[float, float]]:
    timings = {}
    for name, path in paths().items():
        _, _, latencies = load(port, path, "", requests, 60, threads, warm_up=5)
        timings[name] = percentiles(latencies)
    return timings


def explain(calls: dict[str, Callable[[], Any]]) -> None:
    """EXPLAIN ANALYZE of every SELECT the calls make (each distinct statement once)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seen: set[str] = set()
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as queries:
            call()
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or sql in seen:
                continue
            seen.add(sql)
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
            print(f"\n-- {name}: {sql[:400]}{'…' if len(sql) > 400 else ''}\n{plan}")


@contextmanager
def celery_worker(env: dict[str, str]) -> Iterator[None]:
    """A worker as docker-compose runs it (queues documents and celery, 2 processes)."""
    worker = subprocess.Popen(
        [
            *(str(ROOT / ".venv" / "bin" / "python"), "-m", "celery", "-A", "config", "worker"),
            *("-Q", "documents,celery", "--concurrency", "2", "--loglevel", "WARNING"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        time.sleep(5)  # the worker's start-up: imports, its pool, the broker connection
        yield
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


def a_proposal() -> Any:
    """A proposal of the demo health officer, ready for the demo approver."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from procurement import services
    from procurement.workload_fields import values_from

    officer = get_user_model().objects.get(username="health-officer")
    workload = services.workload_create(
        user=officer,
        values=values_from(
            {
                "title": "Hospital discharge summaries",
                "use_case": "health",
                "languages": ["en", "hi"],
                "requests_per_day": 40_000,
                "mean_input_tokens": 900,
                "mean_output_tokens": 350,
                "term_years": 3,
                "start_date": dt.date(2027, 4, 1),
                "data_classification": ["personal"],
            }
        ),
    )
    comparison = services.comparison_run(user=officer, workload=workload)
    return services.decision_propose(
        user=officer, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )


def approval_to_summary(env: dict[str, str]) -> None:
    """Seconds from an approval (through the services) to the national cell counting it."""
    from django.contrib.auth import get_user_model

    from procurement import services
    from procurement.models import TransparencyCell

    def national_awards() -> int:
        cell = TransparencyCell.objects.filter(dimension="national", key="", quarter="").first()
        return cell.awards if cell else 0

    import redis

    proposal = a_proposal()
    before = national_awards()
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # nothing queued ahead of the approval
    approver = get_user_model().objects.get(username="health-approver")
    with celery_worker(env):
        began = time.perf_counter()
        services.decision_approve(user=approver, decision=proposal)
        approved = time.perf_counter() - began
        while national_awards() == before:
            if time.perf_counter() - began > 120:
                print("approval → summary: not updated within 120 s")
                return
            time.sleep(0.02)
        seen = time.perf_counter() - began
    print(
        f"approval → summary with a real Celery worker at {SIZES[-1]:,} awards: {seen:.2f} s "
        f"(the approval itself {approved:.2f} s; national awards {before:,} → {before + 1:,})"
    )


def refresh_plans() -> None:
    """The plans of one approval's refresh, on the newest approved award."""
    from procurement import summary
    from procurement.models import Decision

    decision = Decision.objects.filter(status="approved").order_by("-pk").first()
    if decision is not None:
        explain({"award_refresh": lambda: summary.award_refresh(decision.pk)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="per path and size (200)")
    parser.add_argument("--threads", type=int, default=2, help="client threads (2)")
    parser.add_argument("--no-plans", action="store_true", help="skip the EXPLAIN ANALYZE plans")
    add_postgres_option(parser)
    args = parser.parse_args()
    postgres = args.postgres or os.environ.get("DATABASE_URL") or LOCAL_POSTGRES
    redis_url = os.environ.get("REDIS_URL") or LOCAL_REDIS

    # The public routes are throttled per address (anonymous callers): raised out of the way.
    env = production_env(
        REDIS_URL=redis_url,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_ANON_THROTTLE="100000000/minute",
    )
    with (
        tempfile.TemporaryDirectory() as data_dir,
        throwaway_database(postgres, Path(data_dir)) as database,
    ):
        env.update(database)
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        call_command("load_demo", demo_instance=True, stdout=io.StringIO())
        print(
            "Timing over HTTP (gunicorn, 2 sync workers, DEBUG off); "
            f"{args.requests} requests per path and size.",
            flush=True,
        )
        results: dict[int, dict[str, tuple[float, float]]] = {}
        seeded = 0
        for size in SIZES:
            seed(size - seeded)
            seeded = size
            connections.close_all()
            port = free_port()
            with gunicorn(port, env):
                results[size] = time_http(port, args.requests, args.threads)
            print(f"\nAt {size:,} awards:  {'p50 ms':>8} {'p95 ms':>8}")
            for name, (p50, p95) in results[size].items():
                print(f"  {name:<34} {p50:>8.1f} {p95:>8.1f}")
        small, large = (results[size] for size in SIZES)
        print(f"\nRatio {SIZES[1]:,} / {SIZES[0]:,}:  {'p50':>6} {'p95':>6}")
        for name in large:
            print(
                f"  {name:<34} {large[name][0] / small[name][0]:>6.2f} "
                f"{large[name][1] / small[name][1]:>6.2f}"
            )
        approval_to_summary(env)
        if not args.no_plans:
            print(f"\nQuery plans at {SIZES[-1]:,} awards")
            explain(functions())
            refresh_plans()
        connections.close_all()


if __name__ == "__main__":
    main()
