"""python manage.py load_demo: the demo catalogue, three demo departments and a demo user for
every role in each, for `make run` and demonstration instances. Idempotent: running it twice
changes nothing.

The demo accounts share a published password, so with DEBUG off the command refuses unless the
instance is declared a demonstration twice: ``PROCUREMENT_DEMO_INSTANCE=1`` in the environment and
``--demo-instance`` on the command line (``check --deploy`` also fails while a demo account is
active with the demo password: ``procurement.checks``)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from procurement.models import Department, Membership
from procurement.roles import (
    APPROVER,
    CATALOGUE_ADMINISTRATORS,
    DEPARTMENT_ADMINISTRATORS,
    EVALUATOR,
    OFFICER,
    POLICY_ADMINISTRATORS,
)
from providers.catalogue_format import CatalogueError, parse_catalogue
from providers.services import catalogue_load

DEMO_CATALOGUE = Path(__file__).resolve().parents[3] / "providers" / "data" / "demo-catalogue.json"
DEMO_PASSWORD = "demo-password-2026"
REFUSED = (
    "load_demo creates accounts whose password is published in the README, so with DEBUG off it "
    "runs only on a declared demonstration instance: set PROCUREMENT_DEMO_INSTANCE=1 and pass "
    "--demo-instance. A real deployment creates its first administrator with "
    "`manage.py createsuperuser` instead."
)
DEMO_DEPARTMENTS = (
    # slug, name, parent, policy pack (the authority it buys under)
    (
        "demo-health",
        "Demo: eHealth Division",
        "Ministry of Health and Family Welfare (demo)",
        "india-default",
    ),
    (
        "demo-revenue",
        "Demo: Tax Systems Directorate",
        "Department of Revenue (demo)",
        "india-default",
    ),
    # A fictional state whose (fictional) order empowers the transition premium.
    (
        "demo-state",
        "Demo: State IT Department",
        "Government of a fictional state (demo)",
        "demo-state-transition",
    ),
)
ROLES = (
    # username suffix, title, group, may use the admin
    ("officer", "procurement officer", OFFICER, False),
    ("approver", "approver", APPROVER, False),
    ("evaluator", "evaluator", EVALUATOR, True),
    ("catalogue", "catalogue administrator", CATALOGUE_ADMINISTRATORS, True),
    ("policy", "policy administrator", POLICY_ADMINISTRATORS, True),
    ("admin", "department administrator (API keys)", DEPARTMENT_ADMINISTRATORS, False),
)


def demo_users() -> Iterator[tuple[str, str, str, str, bool]]:
    """(username, full name, department slug, role group, staff) for every demo login."""
    for slug, _, _, _ in DEMO_DEPARTMENTS:
        short = slug.removeprefix("demo-")
        for suffix, title, group, staff in ROLES:
            yield f"{short}-{suffix}", f"Demo {short} {title}", slug, group, staff


class Command(BaseCommand):
    help = "Load the demo catalogue, departments and users. Running it twice changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo-instance",
            action="store_true",
            help="Confirm that this production-shaped instance is a demonstration (needs "
            "PROCUREMENT_DEMO_INSTANCE=1 too); not needed with DEBUG on.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not (options["demo_instance"] and settings.DEMO_INSTANCE):
            raise CommandError(REFUSED)
        try:
            data = parse_catalogue(DEMO_CATALOGUE.read_text(encoding="utf-8"))
        except CatalogueError as exc:
            raise CommandError(f"{DEMO_CATALOGUE}: {exc}") from None
        with transaction.atomic():
            report = catalogue_load(data)
            departments = {
                slug: Department.objects.get_or_create(
                    slug=slug, defaults={"name": name, "parent": parent, "policy_pack": pack}
                )[0]
                for slug, name, parent, pack in DEMO_DEPARTMENTS
            }
            created = [u[0] for u in demo_users() if self._ensure_user(departments, *u)]
            created += ["admin"] if self._ensure_admin() else []
        total = len(list(demo_users())) + 1
        self.stdout.write(f"Demo catalogue ({DEMO_CATALOGUE.name}):")
        self.stdout.write(report.table())
        self.stdout.write(
            f"Demo users: {len(created)} created, {total - len(created)} already present."
        )
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username, full_name, department, _, _ in demo_users():
            self.stdout.write(f"  {username:<20} {full_name} ({departments[department].name})")
        self.stdout.write(f"  {'admin':<20} platform administrator (all of the admin)")

    def _ensure_user(
        self,
        departments: dict[str, Department],
        username: str,
        full_name: str,
        department: str,
        group: str,
        staff: bool,
    ) -> bool:
        """Create a missing demo user; an existing one (maybe with a changed password) is kept."""
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            return False
        first, _, last = full_name.partition(" ")
        user = User.objects.create_user(
            username, password=DEMO_PASSWORD, first_name=first, last_name=last, is_staff=staff
        )
        user.groups.add(Group.objects.get(name=group))
        Membership.objects.create(user=user, department=departments[department])
        return True

    def _ensure_admin(self) -> bool:
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            return False
        User.objects.create_superuser("admin", password=DEMO_PASSWORD, first_name="Demo")
        return True
