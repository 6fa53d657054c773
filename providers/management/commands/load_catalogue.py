"""python manage.py load_catalogue FILE [--dry-run]: upsert a catalogue file (docs/catalogue.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from providers.catalogue_format import CatalogueError, parse_catalogue
from providers.services import catalogue_load


class Command(BaseCommand):
    help = (
        "Load a catalogue JSON file (format: docs/catalogue.md): an idempotent upsert that prints "
        "created/updated/unchanged counts. A bad file changes nothing and exits non-zero, naming "
        "the JSON path of every problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count the changes; save nothing."
        )

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{file}: cannot read it ({exc.strerror})") from None
        try:
            report = catalogue_load(parse_catalogue(text), dry_run=dry_run)
        except CatalogueError as exc:
            count = len(exc.problems)
            raise CommandError(
                f"{file}: {count} problem{'s' if count != 1 else ''}; nothing was loaded.\n{exc}"
            ) from None
        self.stdout.write(f"{file}:")
        self.stdout.write(report.table())
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
