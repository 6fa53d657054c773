"""python manage.py verify_audit_chain [--department SLUG]: check every department's hash chain."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from procurement.audit import verify_department
from procurement.models import AuditEvent, Department


class Command(BaseCommand):
    help = (
        "Verify each department's audit hash chain and the comparisons it vouches for; report "
        "the first broken link and exit non-zero if any chain is broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--department", help="Only this department (slug).")

    def handle(self, *args: Any, department: str | None, **options: Any) -> None:
        departments = Department.objects.order_by("slug")
        if department:
            departments = departments.filter(slug=department)
            if not departments:
                raise CommandError(f"No department '{department}'.")
        broken = []
        for dept in departments:
            link = verify_department(dept)
            events = AuditEvent.objects.filter(department=dept).count()
            if link:
                broken.append(link)
                self.stdout.write(self.style.ERROR(f"BROKEN  {link}"))
            else:
                self.stdout.write(f"ok      {dept.slug}: {events} events")
        if broken:
            raise CommandError(f"{len(broken)} broken chain(s); the first broken link: {broken[0]}")
