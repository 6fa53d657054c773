"""The technical stage of a tender's evaluation: the committee appointed, each bid's technical
result and the members' mark sheets (insert-only, as tenders and bids), and the QCBS technical
criteria a tender carries from its department's pack at publication (existing tenders: none)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLES = (
    "procurement_committeemember",
    "procurement_technicalresult",
    "procurement_marksheet",
)
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
        ("procurement", "0020_tenders_and_bids"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="tender",
            name="technical_criteria",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The QCBS technical criteria the committee marks, from the department's adopted policy pack at publication: [{criterion_id, name, max_marks (a decimal string), evidence, basis}]. Empty for a tender published before the pack had them.",
            ),
        ),
        migrations.CreateModel(
            name="CommitteeMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("appointed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "appointed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="committee_seats",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "tender",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="committee",
                        to="procurement.tender",
                    ),
                ),
            ],
            options={
                "ordering": ["tender_id", "appointed_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tender", "member"), name="committee_member_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MarkSheet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("marks", models.JSONField()),
                ("submitted_at", models.DateTimeField(auto_now_add=True)),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="mark_sheets",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "tender",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="mark_sheets",
                        to="procurement.tender",
                    ),
                ),
            ],
            options={
                "ordering": ["tender_id", "submitted_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("tender", "member"), name="mark_sheet_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="TechnicalResult",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("benchmark_score", models.DecimalField(decimal_places=2, max_digits=5)),
                ("benchmark_passed", models.BooleanField()),
                (
                    "checklist",
                    models.JSONField(help_text="[{item, met, remark}], one per compliance item."),
                ),
                ("qualified", models.BooleanField()),
                ("remark", models.TextField(blank=True, max_length=4000)),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "bid",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="technical_result",
                        to="procurement.bid",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("benchmark_score__gte", 0), ("benchmark_score__lte", 100)
                        ),
                        name="technical_result_score_0_100",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("qualified", False), ("benchmark_passed", True), _connector="OR"
                        ),
                        name="technical_result_qualified_has_passed",
                    ),
                ],
            },
        ),
        migrations.RunPython(on_postgresql(INSERT_ONLY), on_postgresql(DROP_INSERT_ONLY)),
    ]
