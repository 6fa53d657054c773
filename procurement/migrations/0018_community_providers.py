"""The community's providers: members of a provider, the changes they submit to their own record
(insert-only, as migration 0017's tables), and their reviews."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "procurement_providerchange"
INSERT_ONLY = f"""
CREATE TRIGGER {TABLE}_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION procurement_refuse_change();
CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION procurement_refuse_change();
"""
DROP_INSERT_ONLY = f"""
DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE};
DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0017_community_evaluators"),
        ("providers", "0005_web_addresses_are_http_or_https"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProviderChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("summary", models.CharField(help_text="What changes and why.", max_length=500)),
                (
                    "catalogue",
                    models.TextField(help_text="The fragment in the catalogue-file format."),
                ),
                ("submitted_at", models.DateTimeField(auto_now_add=True)),
                ("is_demo", models.BooleanField(default=False)),
            ],
            options={
                "ordering": ["-submitted_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="ProviderMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("joined_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="review",
            name="review_of_one_submission",
        ),
        migrations.AddField(
            model_name="providerchange",
            name="evidence",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="procurement.evidencefile",
            ),
        ),
        migrations.AddField(
            model_name="providerchange",
            name="provider",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="changes",
                to="providers.provider",
            ),
        ),
        migrations.AddField(
            model_name="providerchange",
            name="submitted_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="provider_change",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="review",
                to="procurement.providerchange",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("benchmark__isnull", True),
                        ("evaluation__isnull", False),
                        ("provider_change__isnull", True),
                    ),
                    models.Q(
                        ("benchmark__isnull", False),
                        ("evaluation__isnull", True),
                        ("provider_change__isnull", True),
                    ),
                    models.Q(
                        ("benchmark__isnull", True),
                        ("evaluation__isnull", True),
                        ("provider_change__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="review_of_one_submission",
            ),
        ),
        migrations.AddField(
            model_name="providermember",
            name="provider",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="providers.provider",
            ),
        ),
        migrations.AddField(
            model_name="providermember",
            name="user",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="provider_membership",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(on_postgresql(INSERT_ONLY), on_postgresql(DROP_INSERT_ONLY)),
    ]
