"""Store the shipped packs' new versions (india-default 3, demo-state-transition 2) as published
versions, once, beside the earlier ones, which never change: every citation names its primary
instrument (issuer, number, date, paragraph, public address where known), practice abroad appears
only as comparable practice, and each pack carries its tender clause library. A department keeps
the version it adopted until it adopts the new one on the pack's page."""

from django.db import migrations
from django.utils import timezone

CHANGE_NOTE = (
    "Shipped with the product: every citation names its primary instrument (issuer, number, "
    "date, paragraph, public address where known) and its confidence; practice abroad is shown "
    "only as comparable practice, never as the authority; the tender clause library (each "
    "clause with its sources) is part of the pack."
)


def store_new_versions(apps, schema_editor):
    from procurement.engine import load_policy, policy_to_dict
    from procurement.engine.packs import pack_data, pack_names

    PolicyPack = apps.get_model("procurement", "PolicyPack")
    for name in pack_names():
        policy = load_policy(pack_data(name))
        if PolicyPack.objects.filter(slug=policy.pack_id, version=policy.version).exists():
            continue
        PolicyPack.objects.create(
            slug=policy.pack_id,
            version=policy.version,
            title=policy.title,
            status="published",
            document=policy_to_dict(policy),
            effective_from=policy.effective_from,
            change_note=CHANGE_NOTE,
            published_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0012_file_note_fields_and_final_documents")]

    operations = [migrations.RunPython(store_new_versions, migrations.RunPython.noop)]
