"""Store the India default policy pack shipped with the engine as version 1, published."""

from django.db import migrations
from django.utils import timezone


def create_default_pack(apps, schema_editor):
    from procurement.engine import load_policy, policy_to_dict
    from procurement.engine.packs import pack_data

    PolicyPack = apps.get_model("procurement", "PolicyPack")
    policy = load_policy(pack_data("india-default"))
    if PolicyPack.objects.filter(slug=policy.pack_id, version=policy.version).exists():
        return
    PolicyPack.objects.create(
        slug=policy.pack_id,
        version=policy.version,
        title=policy.title,
        status="published",
        document=policy_to_dict(policy),
        effective_from=policy.effective_from,
        change_note="The default India pack shipped with the product.",
        published_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0002_insert_only_tables")]

    operations = [migrations.RunPython(create_default_pack, migrations.RunPython.noop)]
