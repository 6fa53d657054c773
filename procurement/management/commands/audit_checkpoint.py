"""python manage.py audit_checkpoint: sign and store the heads of every audit chain now."""

from typing import Any

from django.core.management.base import BaseCommand

from procurement.audit import checkpoint_create, checkpoint_entry


class Command(BaseCommand):
    help = (
        "Record a signed checkpoint of every audit chain's head (published at "
        "/verify/checkpoints/ and /verify/checkpoints.json). Celery beat also makes one at a "
        "fixed cadence (AUDIT_CHECKPOINT_EVERY)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = checkpoint_create()
        assert checkpoint is not None
        entry = checkpoint_entry(checkpoint)
        self.stdout.write(
            f"checkpoint {entry['number']} at {entry['created_at']}, signed by key "
            f"{entry['key_id']}: {entry['statement']}"
        )
