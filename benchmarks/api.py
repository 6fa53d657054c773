"""Benchmark of the API on a live server: ``.venv/bin/python benchmarks/api.py``.

Serves the app with gunicorn (2 sync workers) on loopback over a throwaway database holding the
demo catalogue, one workload and one comparison, and sends a bounded number of requests (by
default 2 000 per endpoint, at most 20 s each, after 100 warm-up requests) from 4 client threads
to two endpoints authenticated with the same API key, in 4 rounds that alternate between them
(so that a machine that speeds up or slows down during the run favours neither):

- ``GET /api/v1/comparisons/{id}/``, the comparison with its full results (~0.5 MB of JSON);
- ``GET /api/v1/ping/``, a bare DRF endpoint: authentication, throttling and a tiny answer.

It reports requests/s, p50 and p95 latency for each, the ratio of their requests/s (goal for the
comparison ≥ 0.5 of the bare endpoint) with the lowest and highest ratio of a round, and the SQL
queries each request makes (counted in
process with Django's CaptureQueriesContext). The database is a fresh SQLite file, or with
``--postgres`` a fresh database created on the PostgreSQL server of ``DATABASE_URL`` (default:
the local one, ``postgres://postgres@127.0.0.1:5432/postgres``; or ``--postgres URL``) and
dropped afterwards. Throttling is raised out of the way (``DJANGO_API_THROTTLE``). This script
reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
sys.path.insert(0, str(ROOT))


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    body_bytes: int
    queries: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100)[p - 1]


def production_env(**overrides: str) -> dict[str, str]:
    """The process environment with production settings (DEBUG off, fresh keys, the static files
    ``make static`` collected, a demo instance so ``load_demo`` may run), plus ``overrides``."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "SNAPSHOT_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "static"),  # what `make static` collected
        "DJANGO_LOG_LEVEL": "WARNING",
        "PROCUREMENT_DEMO_INSTANCE": "1",  # load_demo with DEBUG off
        **overrides,
    }


def add_postgres_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--postgres",
        metavar="URL",
        nargs="?",
        const=os.environ.get("DATABASE_URL") or LOCAL_POSTGRES,
        help="create the throwaway database on this PostgreSQL server (default: DATABASE_URL, "
        "else the local server)",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def throwaway_database(postgres: str | None, data_dir: Path) -> Iterator[dict[str, str]]:
    """Environment naming a fresh database: SQLite under ``data_dir``, or a new PostgreSQL
    database on the server of ``postgres`` (dropped on exit)."""
    if not postgres:
        yield {"DJANGO_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
        return
    import psycopg

    name = f"api_benchmark_{os.getpid()}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        url = urlunsplit(urlsplit(postgres)._replace(path=f"/{name}"))
        yield {"DJANGO_DATA_DIR": str(data_dir), "DATABASE_URL": url}
    finally:
        with psycopg.connect(postgres, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def prepare() -> tuple[str, int]:
    """Migrate, load the demo data, run one comparison; return (an API key, comparison id)."""
    import django

    django.setup()
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from procurement import services
    from procurement.api_keys import api_key_create
    from procurement.roles import OFFICER
    from procurement.workload_fields import values_from

    call_command("migrate", verbosity=0)
    call_command("load_demo", demo_instance=True, stdout=io.StringIO())
    users = get_user_model().objects
    officer = users.get(username="health-officer")
    workload = services.workload_create(
        user=officer,
        values=values_from(
            {
                "title": "Citizen helpline",
                "use_case": "citizen_services",
                "languages": ["en", "hi"],
                "requests_per_day": 50_000,
                "mean_input_tokens": 800,
                "mean_output_tokens": 300,
                "term_years": 3,
                "start_date": dt.date(2027, 4, 1),
                "data_classification": ["personal"],
            }
        ),
    )
    comparison = services.comparison_run(user=officer, workload=workload)
    _, key = api_key_create(admin=officer, person=officer, name="benchmark", roles=[OFFICER])
    return key, comparison.pk


def count_queries(path: str, key: str) -> tuple[int, int]:
    """(SQL queries, body bytes) of one request, made in process after a warm-up request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_HOST="127.0.0.1")
    client.get(path)  # the key's first use of the minute records it; later ones do not
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries), len(response.content)


@contextmanager
def gunicorn(port: int, env: dict[str, str]) -> Iterator[None]:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                if get(port, request_bytes("/healthz"), memoryview(bytearray(4096))) == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer within 10 s")
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(port: int, request: bytes, buffer: memoryview) -> int:
    """Send a prepared request and read the whole answer; its HTTP status.

    A plain socket and one reusable buffer keep the client's own work small (it shares the
    machine with the server), so the figures are the server's. The answer ends at EOF: the
    sync workers close the connection after each request.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        received = 0
        while count := sock.recv_into(buffer[received:]):
            received += count
    return int(bytes(buffer[9:12]))


def request_bytes(path: str, key: str = "") -> bytes:
    auth = f"Authorization: Api-Key {key}\r\n" if key else ""
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Connection: close\r\n\r\n".encode()


def load(
    port: int, path: str, key: str, total: int, seconds: float, threads: int, warm_up: int
) -> tuple[int, float, list[float]]:
    """Send up to ``total`` requests from ``threads`` threads for at most ``seconds``, after
    ``warm_up`` requests that are not counted."""
    request = request_bytes(path, key)
    buffer = memoryview(bytearray(4 << 20))
    for _ in range(warm_up):  # connections, caches, the workers' first imports
        get(port, request, buffer)
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    sent = 0

    def worker() -> None:
        nonlocal sent
        own = memoryview(bytearray(4 << 20))
        while True:
            with lock:
                if sent >= total or time.perf_counter() > deadline:
                    return
                sent += 1
            started = time.perf_counter()
            status = get(port, request, own)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return len(latencies), time.perf_counter() - started, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint (2000)")
    parser.add_argument("--seconds", type=float, default=20, help="cap per endpoint (20)")
    parser.add_argument("--threads", type=int, default=4, help="client threads (4)")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds (4)")
    add_postgres_option(parser)
    args = parser.parse_args()

    env = production_env(DJANGO_API_THROTTLE="100000000/minute")
    with (
        tempfile.TemporaryDirectory() as data_dir,
        throwaway_database(args.postgres, Path(data_dir)) as database,
    ):
        env.update(database)
        os.environ.update(env)
        key, comparison = prepare()
        endpoints = {
            "comparison detail": f"/api/v1/comparisons/{comparison}/",
            "bare DRF (ping)": "/api/v1/ping/",
        }
        queries = {name: count_queries(path, key) for name, path in endpoints.items()}
        from django.db import connections

        connections.close_all()  # PostgreSQL cannot drop a database with open sessions
        port = free_port()
        totals = {}
        for name in endpoints:
            count, size = queries[name]
            totals[name] = Result(name, 0, 0.0, [], size, count)
        round_ratios = []
        with gunicorn(port, env):
            for round_ in range(args.rounds):
                order = list(endpoints.items())
                per_second = {}
                for name, path in order if round_ % 2 == 0 else reversed(order):
                    done, seconds, latencies = load(
                        port,
                        path,
                        key,
                        args.requests // args.rounds,
                        args.seconds / args.rounds,
                        args.threads,
                        warm_up=100 if round_ == 0 else 0,
                    )
                    total = totals[name]
                    total.requests += done
                    total.seconds += seconds
                    total.latencies_ms += latencies
                    per_second[name] = done / seconds
                detail, bare = (per_second[name] for name in endpoints)
                round_ratios.append(detail / bare)
        results = list(totals.values())

    database_kind = "PostgreSQL" if args.postgres else "SQLite"
    print(f"gunicorn, 2 sync workers, loopback; {database_kind}; {args.threads} client threads")
    print(
        f"{'endpoint':<20} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'bytes':>8} {'queries':>8}"
    )
    for r in results:
        print(
            f"{r.name:<20} {r.requests:>8} {r.per_second:>8.1f} {r.percentile(50):>8.2f} "
            f"{r.percentile(95):>8.2f} {r.body_bytes:>8} {r.queries:>8}"
        )
    ratio = results[0].per_second / results[1].per_second
    print(
        f"ratio comparison detail / bare endpoint (req/s): {ratio:.2f} (goal ≥ 0.5); "
        f"rounds {min(round_ratios):.2f} to {max(round_ratios):.2f}"
    )


if __name__ == "__main__":
    main()
