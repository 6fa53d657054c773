"""The community's practitioners and domain experts: who they are (Contributor), the measurements
and notes they publish (insert-only, as migration 0017's tables), reviews of both; and the
per-offer count of comparisons failed by each rule, which starts with the comparisons stored
from this version on."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLES = ("procurement_measurement", "procurement_domainnote")
INSERT_ONLY = "".join(
    f"""
CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION procurement_refuse_change();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION procurement_refuse_change();
"""
    for table in TABLES
)
DROP_INSERT_ONLY = "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table};
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
"""
    for table in TABLES
)


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0018_community_providers"),
        ("providers", "0005_web_addresses_are_http_or_https"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Contributor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "affiliation",
                    models.CharField(help_text="Organisation or role, as shown.", max_length=200),
                ),
                ("is_demo", models.BooleanField(default=False)),
                ("joined_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.CreateModel(
            name="DomainNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "use_case",
                    models.CharField(
                        choices=[
                            ("health", "Health"),
                            ("legal", "Legal"),
                            ("education", "Education"),
                            ("citizen_services", "Citizen services"),
                            ("agriculture", "Agriculture"),
                            ("finance", "Finance"),
                            ("general", "General"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "rule",
                    models.CharField(
                        blank=True,
                        help_text="A rule code the note bears on, or blank.",
                        max_length=40,
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField(max_length=4000)),
                ("sources", models.JSONField(help_text="[{title, url}], at least one.")),
                (
                    "affiliation",
                    models.CharField(help_text="The author's, when submitted.", max_length=200),
                ),
                ("submitted_at", models.DateTimeField(auto_now_add=True)),
                ("is_demo", models.BooleanField(default=False)),
            ],
            options={
                "ordering": ["-submitted_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Measurement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period_start", models.DateField()),
                ("period_end", models.DateField()),
                ("requests", models.PositiveIntegerField(help_text="Requests measured.")),
                ("p50_latency_ms", models.PositiveIntegerField(blank=True, null=True)),
                ("p95_latency_ms", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "tokens_per_second",
                    models.DecimalField(blank=True, decimal_places=1, max_digits=9, null=True),
                ),
                (
                    "availability_pct",
                    models.DecimalField(blank=True, decimal_places=3, max_digits=6, null=True),
                ),
                (
                    "observed_inr_per_mtok",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Rupees paid per million tokens (input and output together), from invoices.",
                        max_digits=14,
                        null=True,
                    ),
                ),
                ("method", models.TextField(max_length=2000)),
                ("submitted_at", models.DateTimeField(auto_now_add=True)),
                ("is_demo", models.BooleanField(default=False)),
            ],
            options={
                "ordering": ["-submitted_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="OfferRuleCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("offer_id", models.CharField(max_length=120)),
                ("day", models.DateField()),
                ("rule", models.CharField(blank=True, max_length=40)),
                ("comparisons", models.PositiveIntegerField()),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="review",
            name="review_of_one_submission",
        ),
        migrations.AddField(
            model_name="contributor",
            name="user",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contributor",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="domainnote",
            name="submitted_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="domain_note",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="review",
                to="procurement.domainnote",
            ),
        ),
        migrations.AddField(
            model_name="measurement",
            name="evidence",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="procurement.evidencefile",
            ),
        ),
        migrations.AddField(
            model_name="measurement",
            name="offering",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="measurements",
                to="providers.offering",
            ),
        ),
        migrations.AddField(
            model_name="measurement",
            name="submitted_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="measurement",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="review",
                to="procurement.measurement",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("benchmark__isnull", True),
                        ("domain_note__isnull", True),
                        ("evaluation__isnull", False),
                        ("measurement__isnull", True),
                        ("provider_change__isnull", True),
                    ),
                    models.Q(
                        ("benchmark__isnull", False),
                        ("domain_note__isnull", True),
                        ("evaluation__isnull", True),
                        ("measurement__isnull", True),
                        ("provider_change__isnull", True),
                    ),
                    models.Q(
                        ("benchmark__isnull", True),
                        ("domain_note__isnull", True),
                        ("evaluation__isnull", True),
                        ("measurement__isnull", True),
                        ("provider_change__isnull", False),
                    ),
                    models.Q(
                        ("benchmark__isnull", True),
                        ("domain_note__isnull", True),
                        ("evaluation__isnull", True),
                        ("measurement__isnull", False),
                        ("provider_change__isnull", True),
                    ),
                    models.Q(
                        ("benchmark__isnull", True),
                        ("domain_note__isnull", False),
                        ("evaluation__isnull", True),
                        ("measurement__isnull", True),
                        ("provider_change__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="review_of_one",
            ),
        ),
        migrations.AddConstraint(
            model_name="offerrulecount",
            constraint=models.UniqueConstraint(
                fields=("offer_id", "day", "rule"), name="offerrulecount_one"
            ),
        ),
        migrations.AddConstraint(
            model_name="measurement",
            constraint=models.CheckConstraint(
                condition=models.Q(("period_end__gte", models.F("period_start"))),
                name="measurement_period",
            ),
        ),
        migrations.AddConstraint(
            model_name="measurement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("p50_latency_ms__isnull", False),
                    ("p95_latency_ms__isnull", False),
                    ("tokens_per_second__isnull", False),
                    ("availability_pct__isnull", False),
                    ("observed_inr_per_mtok__isnull", False),
                    _connector="OR",
                ),
                name="measurement_measures_something",
            ),
        ),
        migrations.AddConstraint(
            model_name="measurement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("p50_latency_ms__isnull", True),
                    ("p95_latency_ms__isnull", True),
                    ("p50_latency_ms__lte", models.F("p95_latency_ms")),
                    _connector="OR",
                ),
                name="measurement_p50_within_p95",
            ),
        ),
        migrations.AddConstraint(
            model_name="measurement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("availability_pct__isnull", True),
                    models.Q(("availability_pct__gte", 0), ("availability_pct__lte", 100)),
                    _connector="OR",
                ),
                name="measurement_availability_percent",
            ),
        ),
        migrations.RunPython(on_postgresql(INSERT_ONLY), on_postgresql(DROP_INSERT_ONLY)),
    ]
