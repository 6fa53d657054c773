"""The national figures: departments by body type, ministry and sector; restricted awards; award
facts, usage reports (insert-only, as the comparisons are: migration 0002), the share target
(insert-only) and the dashboard's summary tables."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INSERT_ONLY_TABLES = ("procurement_usagereport", "procurement_sharetarget")
INSERT_ONLY = "".join(
    f"""
CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION procurement_refuse_change();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION procurement_refuse_change();
"""
    for table in INSERT_ONLY_TABLES
)
DROP_INSERT_ONLY = "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table};
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
"""
    for table in INSERT_ONLY_TABLES
)


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0013_shipped_packs_cite_primary_instruments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="UsageCell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("quarter", models.CharField(max_length=7, unique=True)),
                ("contracts_in_force", models.PositiveIntegerField()),
                ("contracts_reported", models.PositiveIntegerField()),
                (
                    "departments",
                    models.PositiveIntegerField(help_text="Departments that reported."),
                ),
                ("departments_in_force", models.PositiveIntegerField()),
                (
                    "projected_requests",
                    models.BigIntegerField(help_text="Of the contracts that reported."),
                ),
                ("actual_requests", models.BigIntegerField()),
                ("actual_tokens", models.BigIntegerField()),
                ("invoiced_inr", models.DecimalField(decimal_places=2, max_digits=22)),
                ("refreshed_at", models.DateTimeField()),
            ],
        ),
        migrations.AddField(
            model_name="decision",
            name="restricted",
            field=models.BooleanField(
                default=False,
                help_text="Counted in the national totals only, never by sector, use case, buyer type or ministry (e.g. security); set when proposed.",
            ),
        ),
        migrations.AddField(
            model_name="department",
            name="body_type",
            field=models.CharField(
                choices=[
                    ("central_ministry", "Central ministry or department"),
                    ("state_department", "State government department"),
                    ("public_sector_bank", "Public sector bank"),
                    ("hospital", "Public hospital"),
                    ("school", "Government school"),
                    ("university", "Public university"),
                    ("psu", "Public sector undertaking"),
                ],
                default="central_ministry",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="department",
            name="is_demo",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="department",
            name="sector",
            field=models.CharField(
                choices=[
                    ("health", "Health"),
                    ("education", "Education"),
                    ("justice", "Justice"),
                    ("finance", "Finance"),
                    ("agriculture", "Agriculture"),
                    ("citizen_services", "Citizen services"),
                    ("defence_security", "Defence and security"),
                ],
                default="citizen_services",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="department",
            name="parent",
            field=models.CharField(
                blank=True,
                help_text="Ministry or parent body, e.g. 'Ministry of Health and Family Welfare'.",
                max_length=200,
                verbose_name="ministry or parent body",
            ),
        ),
        migrations.CreateModel(
            name="ScenarioCell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("dimension", models.CharField(max_length=20)),
                ("key", models.CharField(blank=True, max_length=200)),
                ("quarter", models.CharField(max_length=7)),
                ("premium_pct", models.PositiveSmallIntegerField()),
                ("awards", models.PositiveIntegerField()),
                ("inferences", models.BigIntegerField()),
                ("extra_inr", models.DecimalField(decimal_places=2, max_digits=22)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("dimension", "key", "quarter", "premium_pct"),
                        name="scenariocell_one_per_step",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="TransparencyCell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("dimension", models.CharField(max_length=20)),
                ("key", models.CharField(blank=True, max_length=200)),
                ("quarter", models.CharField(blank=True, max_length=7)),
                ("awards", models.PositiveIntegerField()),
                ("departments", models.PositiveIntegerField()),
                ("departments_to_date", models.PositiveIntegerField()),
                ("departments_since", models.PositiveIntegerField()),
                ("domestic_inferences", models.BigIntegerField()),
                ("foreign_in_india_inferences", models.BigIntegerField()),
                ("abroad_inferences", models.BigIntegerField()),
                ("domestic_tokens", models.BigIntegerField()),
                ("foreign_in_india_tokens", models.BigIntegerField()),
                ("abroad_tokens", models.BigIntegerField()),
                ("domestic_nominal_inr", models.DecimalField(decimal_places=2, max_digits=22)),
                (
                    "foreign_in_india_nominal_inr",
                    models.DecimalField(decimal_places=2, max_digits=22),
                ),
                ("abroad_nominal_inr", models.DecimalField(decimal_places=2, max_digits=22)),
                ("npv_inr", models.DecimalField(decimal_places=2, max_digits=22)),
                ("premium_paid_inr", models.DecimalField(decimal_places=2, max_digits=22)),
                (
                    "is_demo",
                    models.BooleanField(help_text="Built from any demo or synthetic award."),
                ),
                ("refreshed_at", models.DateTimeField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("dimension", "key", "quarter"),
                        name="transparencycell_one_per_series",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AwardFact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "sector",
                    models.CharField(
                        choices=[
                            ("health", "Health"),
                            ("education", "Education"),
                            ("justice", "Justice"),
                            ("finance", "Finance"),
                            ("agriculture", "Agriculture"),
                            ("citizen_services", "Citizen services"),
                            ("defence_security", "Defence and security"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "body_type",
                    models.CharField(
                        choices=[
                            ("central_ministry", "Central ministry or department"),
                            ("state_department", "State government department"),
                            ("public_sector_bank", "Public sector bank"),
                            ("hospital", "Public hospital"),
                            ("school", "Government school"),
                            ("university", "Public university"),
                            ("psu", "Public sector undertaking"),
                        ],
                        max_length=20,
                    ),
                ),
                ("ministry", models.CharField(blank=True, max_length=200)),
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
                ("restricted", models.BooleanField()),
                ("decided_on", models.DateField()),
                (
                    "quarter",
                    models.CharField(
                        help_text="Quarter of the decision, e.g. 2026-Q3.", max_length=7
                    ),
                ),
                ("contract_start", models.DateField()),
                (
                    "contract_end",
                    models.DateField(help_text="The day after the last day of the contract."),
                ),
                ("offer_name", models.CharField(max_length=300)),
                (
                    "hosting",
                    models.CharField(
                        choices=[
                            ("domestic_operator", "Domestic operator in India"),
                            ("foreign_operator_in_country", "Foreign operator in India"),
                            ("abroad", "Abroad"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "inferences",
                    models.BigIntegerField(help_text="Requests over the whole contract."),
                ),
                ("input_tokens", models.BigIntegerField()),
                ("output_tokens", models.BigIntegerField()),
                (
                    "yearly_inferences",
                    models.JSONField(help_text="Requests per contract year, in order."),
                ),
                ("nominal_inr", models.DecimalField(decimal_places=2, max_digits=20)),
                ("npv_inr", models.DecimalField(decimal_places=2, max_digits=20)),
                ("premium_paid_inr", models.DecimalField(decimal_places=2, max_digits=20)),
                (
                    "shift_premium_pct",
                    models.DecimalField(decimal_places=2, max_digits=12, null=True),
                ),
                (
                    "shift_extra_inr",
                    models.DecimalField(decimal_places=2, max_digits=20, null=True),
                ),
                ("is_demo", models.BooleanField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "decision",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="award_fact",
                        to="procurement.decision",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="procurement.department",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["quarter"], name="awardfact_quarter"),
                    models.Index(fields=["department", "quarter"], name="awardfact_department"),
                    models.Index(fields=["sector", "quarter"], name="awardfact_sector"),
                    models.Index(fields=["use_case", "quarter"], name="awardfact_use_case"),
                    models.Index(fields=["body_type", "quarter"], name="awardfact_body_type"),
                    models.Index(fields=["ministry", "quarter"], name="awardfact_ministry"),
                    models.Index(
                        fields=["contract_start", "contract_end"], name="awardfact_in_force"
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("inferences__gte", 0),
                            ("input_tokens__gte", 0),
                            ("output_tokens__gte", 0),
                            ("nominal_inr__gte", 0),
                            ("premium_paid_inr__gte", 0),
                        ),
                        name="awardfact_not_negative",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ShareTarget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("target_pct", models.DecimalField(decimal_places=2, max_digits=5)),
                ("by_date", models.DateField()),
                (
                    "source_note",
                    models.CharField(help_text="The decision that set it.", max_length=500),
                ),
                ("source_url", models.URLField(blank=True)),
                ("set_at", models.DateTimeField(auto_now_add=True)),
                ("is_demo", models.BooleanField(default=False)),
                (
                    "set_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-set_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("target_pct__gte", 0), ("target_pct__lte", 100)),
                        name="sharetarget_percentage",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="UsageReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "quarter",
                    models.CharField(help_text="The quarter served, e.g. 2026-Q3.", max_length=7),
                ),
                ("requests", models.BigIntegerField()),
                ("input_tokens", models.BigIntegerField()),
                ("output_tokens", models.BigIntegerField()),
                ("invoiced_inr", models.DecimalField(decimal_places=2, max_digits=20)),
                ("note", models.TextField(blank=True, max_length=1000)),
                (
                    "source",
                    models.CharField(
                        choices=[("api", "API"), ("upload", "CSV upload")], max_length=10
                    ),
                ),
                ("reported_at", models.DateTimeField(auto_now_add=True)),
                (
                    "corrects",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="procurement.usagereport",
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="usage_reports",
                        to="procurement.decision",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="procurement.department",
                    ),
                ),
                (
                    "reported_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["decision_id", "quarter", "reported_at", "pk"],
                "indexes": [
                    models.Index(fields=["quarter", "decision"], name="usagereport_quarter")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("requests__gte", 0),
                            ("input_tokens__gte", 0),
                            ("output_tokens__gte", 0),
                            ("invoiced_inr__gte", 0),
                        ),
                        name="usagereport_not_negative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("quarter__regex", "^[0-9]{4}-Q[1-4]$")),
                        name="usagereport_quarter_form",
                    ),
                ],
            },
        ),
        migrations.RunPython(on_postgresql(INSERT_ONLY), on_postgresql(DROP_INSERT_ONLY)),
    ]
