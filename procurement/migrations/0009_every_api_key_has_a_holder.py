"""Every API key has a holder: 0008 backfilled ``person`` from ``created_by``, so the column
can now refuse NULL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0008_persons_and_the_platform_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="departmentapikey",
            name="person",
            field=models.ForeignKey(
                help_text="The person of the department who answers for what the key does.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_keys_held",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
