"""Django's ``flush``, able to empty the insert-only tables on PostgreSQL.

Their TRUNCATE trigger (migration 0002) refuses every TRUNCATE unless the transaction-local flag
``procurement.maintenance`` is on. Wiping the whole database is deliberate — the test runner
does it between browser tests, an operator resets a demo — so this command sets the flag for
its own transaction; nothing else does.
"""

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(**options)
        with transaction.atomic(using=options["database"]):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL procurement.maintenance = 'on'")
            return super().handle(**options)
