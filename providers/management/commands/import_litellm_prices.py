"""python manage.py import_litellm_prices FILE: list prices for offerings linked to LiteLLM keys."""

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from providers.catalogue_format import CatalogueError
from providers.litellm import SOURCE_URL, LitellmFileError, parse_litellm
from providers.services import litellm_prices_import


class Command(BaseCommand):
    help = (
        "Import USD list prices from LiteLLM's model_prices_and_context_window.json for every "
        "offering whose litellm_key names a chat model with both an input and an output price. "
        "Per-token prices become per-1M prices, effective from the file's last_updated date "
        "(or --effective-from)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--effective-from",
            type=dt.date.fromisoformat,
            help="Date the prices take effect (YYYY-MM-DD); default: the file's last_updated.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count changes; save nothing.")

    def handle(
        self,
        *args: Any,
        file: Path,
        effective_from: dt.date | None,
        dry_run: bool,
        **options: Any,
    ) -> None:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: cannot read it ({exc.strerror})") from None
        try:
            parsed = parse_litellm(raw.decode("utf-8"))
        except (LitellmFileError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported.") from None
        effective_from = effective_from or parsed.last_updated
        if effective_from is None:
            raise CommandError(
                f"{file} has no last_updated date: pass --effective-from YYYY-MM-DD."
            )
        digest = hashlib.sha256(raw).hexdigest()
        try:
            report, missing = litellm_prices_import(
                parsed.prices,
                effective_from=effective_from,
                source_url=SOURCE_URL,
                source_note=f"LiteLLM price file sha256 {digest[:16]}…, of {effective_from} [S]",
                dry_run=dry_run,
            )
        except CatalogueError as exc:
            raise CommandError(f"{exc}; nothing was imported.") from None
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(parsed.skipped.items()))
        self.stdout.write(
            f"{file}: {len(parsed.prices)} chat models with input and output prices "
            f"(skipped: {skipped}); prices effective from {effective_from}."
        )
        self.stdout.write(report.table())
        for line in missing:
            self.stdout.write(self.style.WARNING(f"no chat price with both prices for {line}"))
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
