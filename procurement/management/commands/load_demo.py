"""python manage.py load_demo: the demo catalogue and demo users, for `make run` (idempotent)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from procurement.roles import CATALOGUE_ADMINISTRATORS
from providers.catalogue_format import CatalogueError, parse_catalogue
from providers.services import catalogue_load

DEMO_CATALOGUE = Path(__file__).resolve().parents[3] / "providers" / "data" / "demo-catalogue.json"
DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = (
    # username, full name, role (group), staff, superuser
    ("admin", "Demo platform administrator", None, True, True),
    ("catalogue", "Demo catalogue administrator", CATALOGUE_ADMINISTRATORS, True, False),
)


class Command(BaseCommand):
    help = "Load the demo catalogue and create the demo users. Running it twice changes nothing."

    def handle(self, *args, **options) -> None:
        try:
            data = parse_catalogue(DEMO_CATALOGUE.read_text(encoding="utf-8"))
        except CatalogueError as exc:
            raise CommandError(f"{DEMO_CATALOGUE}: {exc}") from None
        with transaction.atomic():
            report = catalogue_load(data)
            created_users = [name for name, *rest in DEMO_USERS if self._ensure_user(name, *rest)]
        self.stdout.write(f"Demo catalogue ({DEMO_CATALOGUE.name}):")
        self.stdout.write(report.table())
        self.stdout.write(
            f"Demo users: {len(created_users)} created, "
            f"{len(DEMO_USERS) - len(created_users)} already present."
        )
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username, full_name, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {full_name}{f' — {role}' if role else ''}")

    def _ensure_user(self, username, full_name, role, staff, superuser) -> bool:
        """Create a missing demo user; an existing one (maybe with a changed password) is kept."""
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            return False
        first, _, last = full_name.partition(" ")
        user = User.objects.create_user(
            username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=staff,
            is_superuser=superuser,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return True
