"""python manage.py seed_scale --awards N [--departments D] [--seed S] [--clear]: a synthetic,
national-scale load for the transparency dashboard, every row of it demo.

It makes D demo departments (slugs ``scale-demo-00001`` …) and N synthetic award facts (no
decision, ``is_demo``) as ``procurement.management.synthetic`` describes, writes them by
PostgreSQL COPY in batches, then ``summary.rebuild()`` rewrites every cell. Running it again
adds N more awards; ``--clear`` first removes every row it ever made.

PostgreSQL only (COPY). Like ``load_demo``, with DEBUG off it runs only on a declared
demonstration instance (``PROCUREMENT_DEMO_INSTANCE=1`` and ``--demo-instance``).
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from procurement import summary
from procurement.management.synthetic import (
    COLUMNS,
    SLUG_PREFIX,
    Synthesiser,
    department_spread,
)
from procurement.models import AwardFact, Department

BATCH = 50_000
NOT_POSTGRES = (
    "seed_scale writes its rows with PostgreSQL's COPY, so it runs on PostgreSQL only; this "
    "database is {vendor}. Point DATABASE_URL at a PostgreSQL database."
)
REFUSED = (
    "seed_scale fills the public dashboard with synthetic awards, so with DEBUG off it runs only "
    "on a declared demonstration instance: set PROCUREMENT_DEMO_INSTANCE=1 and pass "
    "--demo-instance."
)


class Command(BaseCommand):
    help = (
        "Build a synthetic national-scale load for the transparency dashboard (demo, "
        "PostgreSQL only): demo departments and N award facts, then rebuild the summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--awards", type=int, required=True, help="synthetic awards to add")
        parser.add_argument(
            "--departments", type=int, default=800, help="demo departments (default 800)"
        )
        parser.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="first remove every synthetic award and demo department this command made",
        )
        parser.add_argument(
            "--demo-instance",
            action="store_true",
            help="Confirm that this production-shaped instance is a demonstration (needs "
            "PROCUREMENT_DEMO_INSTANCE=1 too); not needed with DEBUG on.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(NOT_POSTGRES.format(vendor=connection.display_name))
        if not settings.DEBUG and not (options["demo_instance"] and settings.DEMO_INSTANCE):
            raise CommandError(REFUSED)
        self.verbosity = int(options["verbosity"])
        awards, count = options["awards"], options["departments"]
        if awards < 0:
            raise CommandError("--awards: give a number of awards, 0 or more.")
        if not 1 <= count <= 99_999:
            raise CommandError("--departments: give a number from 1 to 99,999.")
        began = time.perf_counter()
        if options["clear"]:
            self._timed("removed the earlier synthetic rows", self._clear)
        rng = random.Random(options["seed"])
        if awards:
            departments = self._timed("departments", lambda: self._departments(count, rng))
            synthesiser = Synthesiser(departments, timezone.localdate(), options["seed"] + awards)
            self._timed(f"{awards:,} awards copied", lambda: self._copy(synthesiser, awards))
            self._timed("vacuum analyse", self._vacuum)
        report = self._timed("summary rebuilt", summary.rebuild)
        self.stdout.write(
            f"seed_scale: {AwardFact.objects.filter(is_demo=True).count():,} demo award facts "
            f"in all; {', '.join(f'{k} {v}' for k, v in report.items())}; "
            f"{time.perf_counter() - began:.1f} s in all."
        )

    def _timed(self, what: str, step: Any) -> Any:
        began = time.perf_counter()
        result = step()
        if self.verbosity >= 1:
            self.stdout.write(f"  {what}: {time.perf_counter() - began:.1f} s")
        return result

    def _clear(self) -> None:
        with transaction.atomic():
            ours = Department.objects.filter(slug__startswith=SLUG_PREFIX, is_demo=True)
            AwardFact.objects.filter(decision__isnull=True, department__in=ours).delete()
            ours.delete()

    def _departments(self, count: int, rng: random.Random) -> list[Department]:
        spread = department_spread(count, rng)
        existing = set(
            Department.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
        )
        Department.objects.bulk_create(
            Department(is_demo=True, **made) for made in spread if made["slug"] not in existing
        )
        return list(
            Department.objects.filter(
                slug__in=[made["slug"] for made in spread], is_demo=True
            ).order_by("slug")
        )

    def _copy(self, synthesiser: Synthesiser, awards: int) -> None:
        statement = f"COPY procurement_awardfact ({', '.join(COLUMNS)}) FROM STDIN"
        quarters = synthesiser.quarters_of(awards)
        done = 0
        while done < awards:
            size = min(BATCH, awards - done)
            text = synthesiser.lines(quarters[done : done + size])
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                cursor.copy(statement) as copy,
            ):
                copy.write(text)
            done += size
            if self.verbosity >= 2:
                self.stdout.write(f"    {done:,} of {awards:,}")

    def _vacuum(self) -> None:
        """Statistics for the planner and the visibility map for index-only scans (inside a
        transaction, as in a test, only the statistics: VACUUM cannot run there)."""
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{verb} procurement_awardfact")
