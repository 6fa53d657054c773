"""python manage.py rebuild_transparency: record any missing award fact and rewrite every cell
of the transparency dashboard's summary (``procurement.summary.rebuild``) — after a restore, a
change to how a contribution is computed, or to check that the incremental refreshes agree."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from procurement import summary


class Command(BaseCommand):
    help = "Rewrite every cell of the transparency dashboard's summary from the award facts."

    def handle(self, *args: Any, **options: Any) -> None:
        began = time.perf_counter()
        report = summary.rebuild()
        seconds = time.perf_counter() - began
        if int(options["verbosity"]) >= 1:
            done = ", ".join(f"{what}: {count:,}" for what, count in report.items())
            self.stdout.write(f"Rebuilt the transparency summary in {seconds:.1f} s ({done}).")
