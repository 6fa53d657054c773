"""python manage.py verify_audit_chain [--department SLUG] [--checkpoints FILE]: check every
audit chain — the platform's and each department's — and the records they vouch for; with a
checkpoints file, also that no chain was cut short or rewritten after a signed checkpoint."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from procurement.audit import PLATFORM, BrokenLink, checkpoints_broken, verify_department
from procurement.models import AuditEvent, Department


class Command(BaseCommand):
    help = (
        "Verify the platform's and each department's audit hash chain, and the comparisons, "
        "decisions and documents they vouch for; with --checkpoints, check a file of signed "
        "checkpoints (/verify/checkpoints.json) against the chains. Report every broken link "
        "and exit non-zero if any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--department", help="Only this department (slug).")
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="A checkpoints file, as downloaded from /verify/checkpoints.json: each "
            "checkpoint's signature, and each checkpointed event still in its chain.",
        )

    def handle(
        self, *args: Any, department: str | None, checkpoints: str | None, **options: Any
    ) -> None:
        chains: list[Department | None] = [None, *Department.objects.order_by("slug")]
        if department:
            chains = [d for d in chains if d is not None and d.slug == department]
            if not chains:
                raise CommandError(f"No department '{department}'.")
        broken: list[BrokenLink] = []
        for chain in chains:
            name = chain.slug if chain else PLATFORM
            link = verify_department(chain)
            if link:
                broken.append(link)
                self.stdout.write(self.style.ERROR(f"BROKEN  {link}"))
            else:
                events = AuditEvent.objects.filter(department=chain).count()
                self.stdout.write(f"ok      {name}: {events} events")
        if checkpoints:
            checked, links = checkpoints_broken(_read(checkpoints))
            for link in links:
                self.stdout.write(self.style.ERROR(f"BROKEN  {link}"))
            if not links:
                self.stdout.write(f"ok      checkpoints: {checked} chain heads still in place")
            broken.extend(links)
        if broken:
            raise CommandError(f"{len(broken)} broken link(s); the first: {broken[0]}")


def _read(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"--checkpoints: cannot read {path}: {error.strerror}") from None
    except ValueError:
        raise CommandError(f"--checkpoints: {path} is not a JSON file of checkpoints") from None
