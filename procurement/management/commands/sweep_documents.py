"""python manage.py sweep_documents [--older-than SECONDS] [--every SECONDS]

Re-enqueues justification documents that a worker should already have taken: queued for longer
than --older-than (the message was lost, e.g. Redis restarted without its data) or claimed by a
worker that has died. Enqueuing twice is harmless: the task claims its row. Run it once, or with
--every as the worker container's companion process.
"""

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from procurement.documents.jobs import document_enqueue, documents_to_sweep


class Command(BaseCommand):
    help = "Re-enqueue justification documents left queued too long or behind a dead worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=float, default=300, help="Seconds (default 300).")
        parser.add_argument("--every", type=float, help="Repeat every this many seconds.")

    def handle(self, *args: Any, older_than: float, every: float | None, **options: Any) -> None:
        while True:
            ids = documents_to_sweep(dt.timedelta(seconds=older_than))
            for document_id in ids:
                document_enqueue(document_id)
            self.stdout.write(f"re-enqueued {len(ids)} document(s)")
            if every is None:
                return
            time.sleep(every)
