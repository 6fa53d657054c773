"""The share target's source link is a web address (http or https), as every stored link is."""

import providers.models
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0015_award_fact_series_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sharetarget",
            name="source_url",
            field=providers.models.WebURLField(blank=True),
        ),
    ]
