"""The community's evaluators: members of evaluator organisations, scoped accreditations with a
term, benchmarks, evidence files, evaluation submissions and their reviews. Accreditations,
benchmarks, evidence files, submissions and reviews are insert-only (as the comparisons are:
migration 0002)."""

import django.db.models.deletion
import providers.models
from django.conf import settings
from django.db import migrations, models

INSERT_ONLY_TABLES = (
    "procurement_accreditation",
    "procurement_benchmark",
    "procurement_evidencefile",
    "procurement_evaluationsubmission",
    "procurement_review",
)
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
        ("procurement", "0016_share_target_links_are_web_addresses"),
        ("providers", "0005_web_addresses_are_http_or_https"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sha256", models.CharField(max_length=64, unique=True)),
                ("name", models.CharField(max_length=120)),
                ("content_type", models.CharField(max_length=40)),
                ("size", models.PositiveIntegerField()),
                ("data", models.BinaryField()),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.AddField(
            model_name="changeproposal",
            name="expires_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="changeproposal",
            name="scope_languages",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="changeproposal",
            name="scope_use_cases",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="Benchmark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("version", models.CharField(max_length=40)),
                ("description", models.TextField(blank=True, max_length=2000)),
                ("languages", models.JSONField(help_text="Language codes the test set covers.")),
                ("items", models.PositiveIntegerField(help_text="Number of test items.")),
                ("licence", models.CharField(max_length=120)),
                (
                    "url",
                    providers.models.WebURLField(
                        help_text="Where the test set and its card are published.", max_length=500
                    ),
                ),
                (
                    "held_out",
                    models.BooleanField(
                        help_text="The test set is kept out of public training data (not published in full)."
                    ),
                ),
                ("submitted_at", models.DateTimeField(auto_now_add=True)),
                ("is_demo", models.BooleanField(default=False)),
                (
                    "evaluator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="benchmarks",
                        to="providers.evaluator",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["name", "version"],
            },
        ),
        migrations.CreateModel(
            name="EvaluatorMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("joined_at", models.DateTimeField(auto_now_add=True)),
                (
                    "evaluator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="providers.evaluator",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="evaluator_membership",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="EvaluationSubmission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "model_snapshot",
                    models.CharField(
                        help_text="The model version evaluated, as the provider names it.",
                        max_length=120,
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
                    "method",
                    models.CharField(
                        choices=[
                            ("exact_match", "Exact match against reference answers"),
                            ("human_rubric", "Rubric scored by human raters"),
                            ("judge_model", "Rubric scored by a judge model"),
                        ],
                        max_length=20,
                    ),
                ),
                ("judge_model", models.CharField(blank=True, max_length=120)),
                ("judge_prompt", models.TextField(blank=True, max_length=5000)),
                (
                    "settings",
                    models.TextField(
                        help_text="Prompts, temperature, number of shots and other settings.",
                        max_length=5000,
                    ),
                ),
                ("score", models.DecimalField(decimal_places=2, max_digits=5)),
                ("run_on", models.DateField()),
                ("valid_until", models.DateField()),
                ("item_results", models.BinaryField()),
                ("item_results_sha256", models.CharField(max_length=64)),
                ("items", models.PositiveIntegerField()),
                ("recomputed_score", models.DecimalField(decimal_places=2, max_digits=5)),
                ("ci_low", models.DecimalField(decimal_places=2, max_digits=5)),
                ("ci_high", models.DecimalField(decimal_places=2, max_digits=5)),
                ("interval_method", models.CharField(max_length=10)),
                (
                    "has_ties",
                    models.BooleanField(
                        help_text="The evaluator declares ties to the provider evaluated (conflict of interest)."
                    ),
                ),
                (
                    "ties",
                    models.TextField(
                        blank=True, help_text="The ties, when there are.", max_length=2000
                    ),
                ),
                ("submitted_at", models.DateTimeField(auto_now_add=True)),
                ("is_demo", models.BooleanField(default=False)),
                (
                    "benchmark",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="procurement.benchmark",
                    ),
                ),
                (
                    "evaluator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="providers.evaluator",
                    ),
                ),
                (
                    "language",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="providers.language",
                    ),
                ),
                (
                    "offering",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submissions",
                        to="providers.offering",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "evidence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="procurement.evidencefile",
                    ),
                ),
            ],
            options={
                "ordering": ["-submitted_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Review",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[("accepted", "Accepted"), ("returned", "Returned")], max_length=10
                    ),
                ),
                ("reasons", models.TextField(blank=True, max_length=2000)),
                ("reviewed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "benchmark",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review",
                        to="procurement.benchmark",
                    ),
                ),
                (
                    "evaluation",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review",
                        to="procurement.evaluationsubmission",
                    ),
                ),
                (
                    "quality_evaluation",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review",
                        to="providers.qualityevaluation",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-reviewed_at", "-pk"],
                "permissions": [
                    ("review_submission", "Can accept or return the community's submissions")
                ],
            },
        ),
        migrations.CreateModel(
            name="Accreditation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "use_cases",
                    models.JSONField(help_text="Use-case codes the accreditation covers."),
                ),
                (
                    "languages",
                    models.JSONField(help_text="Language codes the accreditation covers."),
                ),
                ("granted_on", models.DateField()),
                ("expires_on", models.DateField()),
                (
                    "scheme",
                    models.CharField(help_text="The scheme it is granted under.", max_length=200),
                ),
                ("is_demo", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "evaluator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="accreditations",
                        to="providers.evaluator",
                    ),
                ),
                (
                    "proposal",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="granted_accreditation",
                        to="procurement.changeproposal",
                    ),
                ),
            ],
            options={
                "ordering": ["evaluator_id", "-expires_on", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("expires_on__gt", models.F("granted_on"))),
                        name="accreditation_expires_after",
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="benchmark",
            constraint=models.UniqueConstraint(
                fields=("name", "version"), name="benchmark_name_version"
            ),
        ),
        migrations.AddConstraint(
            model_name="benchmark",
            constraint=models.CheckConstraint(
                condition=models.Q(("items__gt", 0)), name="benchmark_has_items"
            ),
        ),
        migrations.AddConstraint(
            model_name="evaluationsubmission",
            constraint=models.CheckConstraint(
                condition=models.Q(("score__gte", 0), ("score__lte", 100)),
                name="submission_score_0_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="evaluationsubmission",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_until__gt", models.F("run_on"))),
                name="submission_valid_after_run",
            ),
        ),
        migrations.AddConstraint(
            model_name="evaluationsubmission",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("method", "judge_model"), _negated=True),
                    models.Q(("judge_model", ""), _negated=True),
                    _connector="OR",
                ),
                name="submission_judge_named",
            ),
        ),
        migrations.AddConstraint(
            model_name="evaluationsubmission",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("has_ties", False), models.Q(("ties", ""), _negated=True), _connector="OR"
                ),
                name="submission_ties_stated",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("benchmark__isnull", True), ("evaluation__isnull", False)),
                    models.Q(("benchmark__isnull", False), ("evaluation__isnull", True)),
                    _connector="OR",
                ),
                name="review_of_one_submission",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("outcome", "accepted"),
                    models.Q(("reasons", ""), _negated=True),
                    _connector="OR",
                ),
                name="review_return_has_reasons",
            ),
        ),
        migrations.RunPython(on_postgresql(INSERT_ONLY), on_postgresql(DROP_INSERT_ONLY)),
    ]
