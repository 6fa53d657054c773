"""python manage.py load_demo: the demo catalogue, three demo departments and a demo user for
every role in each, two demo users of every platform role (so one can propose and the other
approve), and each department's adoption of its policy pack, for `make run` and demonstration
instances. Idempotent: running it twice changes nothing.

The demo accounts share a published password, so with DEBUG off the command refuses unless the
instance is declared a demonstration twice: ``PROCUREMENT_DEMO_INSTANCE=1`` in the environment and
``--demo-instance`` on the command line (``check --deploy`` also fails while a demo account is
active with the demo password: ``procurement.checks``)."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from procurement import selectors, services, summary
from procurement.management import demo_awards, demo_community, demo_tenders
from procurement.models import Department, Membership
from procurement.roles import (
    ACCREDITATION_AUTHORITY,
    APPROVER,
    CATALOGUE_READERS,
    CATALOGUE_STEWARDS,
    DEPARTMENT_ADMINISTRATORS,
    EVALUATOR,
    OFFICER,
    POLICY_AUTHORITY,
    POLICY_OFFICERS,
)
from providers.catalogue_format import CatalogueError, parse_catalogue
from providers.services import catalogue_load

DEMO_CATALOGUE = demo_community.DEMO_CATALOGUE
DEMO_PASSWORD = "demo-password-2026"
REFUSED = (
    "load_demo creates accounts whose password is published in the README, so with DEBUG off it "
    "runs only on a declared demonstration instance: set PROCUREMENT_DEMO_INSTANCE=1 and pass "
    "--demo-instance. A real deployment creates its first administrator with "
    "`manage.py createsuperuser` instead."
)
DEMO_DEPARTMENTS = (
    # slug, name, parent, policy pack it adopts (the authority it buys under), body type, sector
    (
        "demo-health",
        "Demo: eHealth Division",
        "Ministry of Health and Family Welfare (demo)",
        "india-default",
        "central_ministry",
        "health",
    ),
    (
        "demo-revenue",
        "Demo: Tax Systems Directorate",
        "Department of Revenue (demo)",
        "india-default",
        "central_ministry",
        "finance",
    ),
    # A fictional state whose (fictional) order empowers the transition premium.
    (
        "demo-state",
        "Demo: State IT Department",
        "Government of a fictional state (demo)",
        "demo-state-transition",
        "state_department",
        "citizen_services",
    ),
)
# More demo buyers, each with an officer, an approver and a policy officer only: enough
# departments in each of three sectors for the transparency dashboard to publish its figures (a cell
# built from fewer than three departments is suppressed).
DEMO_BUYERS = (
    (
        "demo-hospital",
        "Demo: Central Government Hospital",
        "Ministry of Health and Family Welfare (demo)",
        "india-default",
        "hospital",
        "health",
    ),
    (
        "demo-state-health",
        "Demo: State Health Mission",
        "Government of a fictional state (demo)",
        "demo-state-transition",
        "state_department",
        "health",
    ),
    (
        "demo-bank",
        "Demo: Public Sector Bank",
        "Ministry of Finance (demo)",
        "india-default",
        "public_sector_bank",
        "finance",
    ),
    (
        "demo-insurer",
        "Demo: Public Sector Insurer",
        "Ministry of Finance (demo)",
        "india-default",
        "psu",
        "finance",
    ),
    (
        "demo-university",
        "Demo: Central University",
        "Ministry of Education (demo)",
        "india-default",
        "university",
        "education",
    ),
    (
        "demo-school",
        "Demo: Government Model School",
        "Government of a fictional state (demo)",
        "demo-state-transition",
        "school",
        "education",
    ),
    (
        "demo-skills",
        "Demo: Skills Directorate",
        "Ministry of Skill Development and Entrepreneurship (demo)",
        "india-default",
        "central_ministry",
        "education",
    ),
)
ROLES = (
    # username suffix, title, group, may use the admin
    ("officer", "procurement officer", OFFICER, False),
    ("approver", "approver", APPROVER, False),
    ("evaluator", "evaluator (reads evaluations)", EVALUATOR, True),
    ("catalogue", "catalogue reader", CATALOGUE_READERS, True),
    ("policy", "policy officer (adopts pack versions)", POLICY_OFFICERS, False),
    ("admin", "department administrator (API keys)", DEPARTMENT_ADMINISTRATORS, False),
)
PLATFORM_ROLES = (
    # username prefix, title, group: two people each, a maker and a checker
    ("platform-policy", "policy authority", POLICY_AUTHORITY),
    ("platform-catalogue", "catalogue steward", CATALOGUE_STEWARDS),
    ("platform-accreditation", "accreditation authority", ACCREDITATION_AUTHORITY),
)


BUYER_ROLES = ("officer", "approver", "policy")


def demo_users() -> Iterator[tuple[str, str, str, str, bool]]:
    """(username, full name, department slug — empty for a platform role —, role group, staff)
    for every demo login."""
    for slug, *_ in DEMO_DEPARTMENTS:
        short = slug.removeprefix("demo-")
        for suffix, title, group, staff in ROLES:
            yield f"{short}-{suffix}", f"Demo {short} {title}", slug, group, staff
    for prefix, title, group in PLATFORM_ROLES:
        for n in (1, 2):
            yield f"{prefix}-{n}", f"Demo platform {title} {n}", "", group, True
    for slug, *_ in DEMO_BUYERS:
        short = slug.removeprefix("demo-")
        for suffix, title, group, staff in ROLES:
            if suffix in BUYER_ROLES:
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
                slug: self._ensure_department(slug, name, parent, body_type, sector)
                for slug, name, parent, _, body_type, sector in DEMO_DEPARTMENTS + DEMO_BUYERS
            }
            created = [u[0] for u in demo_users() if self._ensure_user(departments, *u)]
            created += ["admin"] if self._ensure_admin() else []
            self._ensure_adoptions(departments)
        awards = demo_awards.ensure(departments)
        history = demo_awards.ensure_history(timezone.localdate())
        with transaction.atomic():
            community = demo_community.ensure(DEMO_PASSWORD)
            contributors = demo_community.ensure_contributors(DEMO_PASSWORD)
            tendered = demo_tenders.ensure()
        summary.rebuild()
        total = len(list(demo_users())) + 1
        self.stdout.write(f"Demo catalogue ({DEMO_CATALOGUE.name}):")
        self.stdout.write(report.table())
        self.stdout.write(
            f"Demo users: {len(created)} created, {total - len(created)} already present."
        )
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username, full_name, department, _, _ in demo_users():
            where = departments[department].name if department else "platform, no department"
            self.stdout.write(f"  {username:<24} {full_name} ({where})")
        for username in demo_community.MEMBERS:
            self.stdout.write(f"  {username:<24} Demo evaluator (Demo Indic Evaluation Consortium)")
        member = demo_community.PROVIDER_MEMBER
        self.stdout.write(f"  {member:<24} Demo provider member (Demo MSE AI Labs)")
        for username, name, affiliation in demo_community.PRACTITIONER_ACCOUNTS:
            self.stdout.write(f"  {username:<24} {name}, practitioner ({affiliation})")
        username, name, affiliation = demo_community.DOMAIN_EXPERT
        self.stdout.write(f"  {username:<24} {name} ({affiliation})")
        self.stdout.write(f"  {'admin':<24} platform administrator (all of the admin)")
        self.stdout.write(
            f"Demo awards for the transparency dashboard: {awards} approved now "
            f"({demo_awards.count()} in all), {history} synthetic earlier awards added; "
            "the summary was rebuilt."
        )
        self.stdout.write(
            "Demo community: "
            + (
                "an accredited evaluator organisation, a benchmark and an evaluation accepted, "
                "one of each awaiting review, and a provider's price change awaiting review "
                "(/community/)."
                if community
                else "already present."
            )
        )
        self.stdout.write(
            "Demo tender: "
            + (
                f"{demo_tenders.TITLE}, two bids sealed until the opening (/tenders/, "
                f"{demo_tenders.OFFICER})."
                if tendered
                else "already present, or its award is missing."
            )
        )
        self.stdout.write(
            "Demo practitioners and domain expert: "
            + (
                "measurements of four offers, community-reported; two domain notes accepted and "
                "one awaiting review."
                if contributors
                else "already present."
            )
        )

    def _ensure_department(
        self, slug: str, name: str, parent: str, body_type: str, sector: str
    ) -> Department:
        """A demo department, made once; an existing one gets its body type and sector (they
        were added after the first demo departments)."""
        department, _ = Department.objects.update_or_create(
            slug=slug,
            defaults={"body_type": body_type, "sector": sector, "is_demo": True},
            create_defaults={
                "name": name,
                "parent": parent,
                "body_type": body_type,
                "sector": sector,
                "is_demo": True,
            },
        )
        return department

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
        # An address that can never be delivered (.invalid), so that under `make run` the
        # console shows the notification emails each demo person would receive.
        user = User.objects.create_user(
            username,
            email=f"{username}@demo.invalid",
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=staff,
        )
        user.groups.add(Group.objects.get(name=group))
        if department:
            Membership.objects.create(user=user, department=departments[department])
        return True

    def _ensure_adoptions(self, departments: dict[str, Department]) -> None:
        """A department that has adopted no pack version adopts the newest published version of
        its pack, through its policy officer (an event on its chain)."""
        for slug, _, _, pack, *_ in DEMO_DEPARTMENTS + DEMO_BUYERS:
            department = departments[slug]
            if department.adopted_pack_id is None:
                officer = get_user_model().objects.get(
                    username=f"{slug.removeprefix('demo-')}-policy"
                )
                services.policy_pack_adopt(user=officer, pack=selectors.published_pack(pack))

    def _ensure_admin(self) -> bool:
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            return False
        User.objects.create_superuser("admin", password=DEMO_PASSWORD, first_name="Demo")
        return True
