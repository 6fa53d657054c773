"""Persons behind accounts, and the platform's own audit chain.

Audit events name the person who answers for them (an API key's holder when a key acted);
events with no department form the platform's chain. Keys made before keys had holders are
held by the administrator who made them, the one person known to have answered for them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def keys_held_by_their_makers(apps, schema_editor):
    DepartmentAPIKey = apps.get_model("procurement", "DepartmentAPIKey")
    DepartmentAPIKey.objects.filter(person__isnull=True).update(person=models.F("created_by"))


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0007_department_policy_pack_and_shipped_packs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="person_name",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="departmentapikey",
            name="person",
            field=models.ForeignKey(
                help_text="The person of the department who answers for what the key does.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_keys_held",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="procurement.department",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", True)),
                fields=("sequence",),
                name="audit_event_unique_platform_sequence",
            ),
        ),
        migrations.RunPython(keys_held_by_their_makers, migrations.RunPython.noop),
    ]
