"""python manage.py ensure_administrator: the first platform administrator, from the environment.

Runs ``createsuperuser --noinput`` with ``DJANGO_SUPERUSER_USERNAME``, ``DJANGO_SUPERUSER_EMAIL``
and ``DJANGO_SUPERUSER_PASSWORD`` when no account of that username exists, and leaves an existing
one as it is (its password may have been changed since), so docker-compose's one-shot setup can
run on every ``up``. There is never a default or known password.
"""

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

NEEDED = ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_EMAIL", "DJANGO_SUPERUSER_PASSWORD")


class Command(BaseCommand):
    help = "Create the first platform administrator from DJANGO_SUPERUSER_* unless it exists."

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [name for name in NEEDED if not os.environ.get(name)]
        if missing:
            raise CommandError(
                f"Set {', '.join(missing)}: the first platform administrator is created from "
                "them (choose a long random password and keep it)."
            )
        username = os.environ["DJANGO_SUPERUSER_USERNAME"]
        if get_user_model().objects.filter(username=username).exists():
            self.stdout.write(f"The platform administrator {username} exists: left as it is.")
            return
        call_command("createsuperuser", interactive=False, stdout=self.stdout)
