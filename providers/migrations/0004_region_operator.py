"""Each region carries its operator: legal name, ownership and country of incorporation.

The old free-text ``operator`` becomes ``operator_name``. Regions stored before this migration
had no recorded ownership or country: they are marked foreign-owned, incorporated where the
region is, and demo data, so no region counts as domestic infrastructure until its operator is
recorded (loading the catalogue file again records it).
"""

from django.db import migrations, models

UNRECORDED = (
    "not recorded before operators were: ownership assumed foreign and country assumed to be "
    "the region's until the catalogue is loaded again"
)


def mark_unrecorded_operators(apps, schema_editor):
    Region = apps.get_model("providers", "Region")
    Region.objects.update(
        operator_country=models.F("country"),
        operator_source_note=UNRECORDED,
        operator_is_demo=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0003_provider_billing_country"),
    ]

    operations = [
        migrations.RenameField(model_name="region", old_name="operator", new_name="operator_name"),
        migrations.AlterField(
            model_name="region",
            name="operator_name",
            field=models.CharField(
                help_text="Legal name of the company that owns and controls the data-centre region (not a reseller of it).",
                max_length=200,
                verbose_name="operator",
            ),
        ),
        migrations.AddField(
            model_name="region",
            name="operator_ownership",
            field=models.CharField(
                choices=[("domestic", "Domestic (majority Indian-owned)"), ("foreign", "Foreign")],
                default="foreign",
                help_text="Whether the operator is domestically or foreign owned.",
                max_length=10,
                verbose_name="operator ownership",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="region",
            name="operator_country",
            field=models.CharField(
                default="",
                help_text="ISO 3166-1 alpha-2, e.g. IN for a company incorporated in India.",
                max_length=2,
                verbose_name="operator's country of incorporation",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="region",
            name="operator_source_note",
            field=models.CharField(
                blank=True,
                help_text="Where the operator's name, ownership and country come from, with the confidence tag.",
                max_length=300,
                verbose_name="operator source",
            ),
        ),
        migrations.AddField(
            model_name="region",
            name="operator_is_demo",
            field=models.BooleanField(
                default=False,
                help_text="The operator's details were invented for the demonstration catalogue.",
                verbose_name="operator is demo data",
            ),
        ),
        migrations.RunPython(mark_unrecorded_operators, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="region",
            constraint=models.CheckConstraint(
                condition=models.Q(("operator_country__regex", "^[A-Z]{2}$")),
                name="region_operator_country_alpha2",
                violation_error_message="The operator's country must be a two-letter country code in capitals, such as IN.",
            ),
        ),
        migrations.AddConstraint(
            model_name="region",
            constraint=models.CheckConstraint(
                condition=models.Q(("operator_ownership__in", ("domestic", "foreign"))),
                name="region_operator_ownership_known",
                violation_error_message="The operator's ownership must be domestic or foreign.",
            ),
        ),
    ]
