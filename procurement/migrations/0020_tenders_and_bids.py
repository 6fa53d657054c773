"""From plan to award: tenders, their bids and the opening of the bids (insert-only, as the
community's tables), and the bid document as a kind of document of a tender."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLES = ("procurement_tender", "procurement_bid", "procurement_bidopening")
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
        ("procurement", "0019_community_practitioners_experts"),
        ("providers", "0005_web_addresses_are_http_or_https"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="justificationdocument",
            name="kind",
            field=models.CharField(
                choices=[("file_note", "File note"), ("bid_document", "Bid document")],
                default="file_note",
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="Tender",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reference",
                    models.CharField(help_text="The tender number on the file.", max_length=120),
                ),
                ("title", models.CharField(max_length=300)),
                ("bid_deadline", models.DateTimeField()),
                ("opening_at", models.DateTimeField()),
                (
                    "benchmark_description",
                    models.TextField(
                        help_text="The buyer's test set: what it holds, size, languages.",
                        max_length=4000,
                    ),
                ),
                (
                    "benchmark_rubric",
                    models.TextField(help_text="How answers are scored.", max_length=4000),
                ),
                ("pass_mark", models.DecimalField(decimal_places=2, max_digits=5)),
                (
                    "price_basis",
                    models.CharField(
                        choices=[
                            ("per_request", "Rupees per 1,000 requests at the reference workload"),
                            (
                                "reference_tokeniser",
                                "Rupees per million tokens, counted by a reference tokeniser",
                            ),
                        ],
                        max_length=20,
                    ),
                ),
                ("reference_tokeniser", models.CharField(blank=True, max_length=120)),
                (
                    "bid_security",
                    models.CharField(
                        choices=[
                            ("declaration", "Bid-securing declaration"),
                            ("emd", "Earnest money deposit"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "emd_pct",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=4, null=True),
                ),
                ("performance_security_pct", models.DecimalField(decimal_places=2, max_digits=4)),
                ("integrity_pact", models.BooleanField()),
                ("price_revision_cap_pct", models.DecimalField(decimal_places=2, max_digits=5)),
                ("published_at", models.DateTimeField(auto_now_add=True)),
                ("is_demo", models.BooleanField(default=False)),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tenders",
                        to="procurement.department",
                    ),
                ),
                (
                    "planning_decision",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tender",
                        to="procurement.decision",
                    ),
                ),
            ],
            options={
                "ordering": ["-published_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="BidOpening",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("opened_at", models.DateTimeField(auto_now_add=True)),
                ("bids", models.PositiveIntegerField()),
                ("bids_sha256", models.CharField(max_length=64)),
                (
                    "opened_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "tender",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="opening",
                        to="procurement.tender",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Bid",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("bidder_name", models.CharField(max_length=200)),
                (
                    "offer",
                    models.JSONField(help_text="The offer's terms, in the engine's offer format."),
                ),
                ("local_content_pct", models.DecimalField(decimal_places=2, max_digits=5)),
                (
                    "local_content_certificate",
                    models.CharField(
                        choices=[
                            ("self", "Self-certified"),
                            ("auditor", "Certified by a statutory auditor or cost accountant"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "local_content_location",
                    models.CharField(
                        help_text="Where the value is added (Make in India order, para 9(a)).",
                        max_length=200,
                    ),
                ),
                (
                    "mse",
                    models.BooleanField(
                        help_text="A micro or small enterprise (Udyam registered)."
                    ),
                ),
                ("udyam_number", models.CharField(blank=True, max_length=40)),
                ("startup", models.BooleanField(help_text="A startup recognised by DPIIT.")),
                ("received_at", models.DateTimeField()),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                ("is_demo", models.BooleanField(default=False)),
                (
                    "provider",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="providers.provider",
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
                (
                    "tender",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bids",
                        to="procurement.tender",
                    ),
                ),
            ],
            options={
                "ordering": ["tender_id", "received_at", "pk"],
            },
        ),
        migrations.AddField(
            model_name="justificationdocument",
            name="tender",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="documents",
                to="procurement.tender",
            ),
        ),
        migrations.AddConstraint(
            model_name="justificationdocument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "file_note"), ("tender__isnull", True)),
                    models.Q(("kind", "bid_document"), ("tender__isnull", False)),
                    _connector="OR",
                ),
                name="document_of_a_tender_is_its_bid_document",
            ),
        ),
        migrations.AddConstraint(
            model_name="tender",
            constraint=models.CheckConstraint(
                condition=models.Q(("opening_at__gte", models.F("bid_deadline"))),
                name="tender_opens_after_deadline",
            ),
        ),
        migrations.AddConstraint(
            model_name="tender",
            constraint=models.CheckConstraint(
                condition=models.Q(("pass_mark__gte", 0), ("pass_mark__lte", 100)),
                name="tender_pass_mark_0_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="tender",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("bid_security", "declaration"), ("emd_pct__isnull", True)),
                    models.Q(("bid_security", "emd"), ("emd_pct__gte", 2), ("emd_pct__lte", 5)),
                    _connector="OR",
                ),
                name="tender_emd_2_to_5_pct",
            ),
        ),
        migrations.AddConstraint(
            model_name="tender",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("performance_security_pct__gte", 3), ("performance_security_pct__lte", 5)
                ),
                name="tender_performance_security_3_to_5_pct",
            ),
        ),
        migrations.AddConstraint(
            model_name="tender",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("price_basis", "reference_tokeniser"), _negated=True),
                    models.Q(("reference_tokeniser", ""), _negated=True),
                    _connector="OR",
                ),
                name="tender_tokeniser_named",
            ),
        ),
        migrations.AddConstraint(
            model_name="bid",
            constraint=models.CheckConstraint(
                condition=models.Q(("local_content_pct__gte", 0), ("local_content_pct__lte", 100)),
                name="bid_local_content_percent",
            ),
        ),
        migrations.AddConstraint(
            model_name="bid",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("mse", False), models.Q(("udyam_number", ""), _negated=True), _connector="OR"
                ),
                name="bid_mse_has_udyam",
            ),
        ),
        migrations.RunPython(on_postgresql(INSERT_ONLY), on_postgresql(DROP_INSERT_ONLY)),
    ]
