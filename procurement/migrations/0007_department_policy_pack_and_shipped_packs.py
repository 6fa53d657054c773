"""Each department compares under its own authority's pack; store every pack shipped with the
engine (india-default version 2: the transition premium becomes a policy scenario, CERT-In's log
direction, the GTE boundary; and the demo state pack) as a published version, once."""

from django.db import migrations, models
from django.utils import timezone


def store_shipped_packs(apps, schema_editor):
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
            change_note="Shipped with the product: " + policy.description,
            published_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0006_comparison_results_stored_once")]

    operations = [
        migrations.AddField(
            model_name="department",
            name="policy_pack",
            field=models.SlugField(
                default="india-default",
                help_text="The policy pack whose newest published version in force its "
                "comparisons use: the rules of the authority it buys under (e.g. a state's own "
                "order).",
                max_length=80,
            ),
        ),
        migrations.RunPython(store_shipped_packs, migrations.RunPython.noop),
    ]
