"""Platform-wide authorities (issue 11, hole 2).

* A department adopts a policy pack version explicitly (``Department.adopted_pack``); each
  existing department adopts the version it would use today — the newest published version of
  its pack in force today (or, failing that, any published version of it).
* Changes to shared data are ``ChangeProposal`` rows, transition-only: on PostgreSQL a trigger
  lets a row change only from "proposed" to "approved" or "rejected", once, its content unchanged,
  and refuses DELETE (TRUNCATE only under ``procurement.maintenance``, as for migration 0002).
* The per-department "Policy administrators" become "Policy officers" (they adopt versions) and
  "Catalogue administrators" become "Catalogue readers"; their users keep their group, and
  ``roles.ensure_roles`` gives the groups their new permissions after migrating.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

RENAMED = {
    "Policy administrators": "Policy officers",
    "Catalogue administrators": "Catalogue readers",
}


def adopt_what_they_use_today(apps, schema_editor):
    Department = apps.get_model("procurement", "Department")
    PolicyPack = apps.get_model("procurement", "PolicyPack")
    today = timezone.localdate()
    for department in Department.objects.all():
        published = PolicyPack.objects.filter(status="published", slug=department.policy_pack)
        in_force = published.filter(effective_from__lte=today) or published
        department.adopted_pack = in_force.order_by("-effective_from", "-version").first()
        department.save(update_fields=["adopted_pack"])
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now, so that dropping the old column finds no pending event.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def rename_groups(apps, schema_editor):
    """Rename each old group, or move its users into the new one if that already exists."""
    Group = apps.get_model("auth", "Group")
    for old, new in RENAMED.items():
        before = Group.objects.filter(name=old).first()
        if before is None:
            continue
        after = Group.objects.filter(name=new).first()
        if after is None:
            before.name = new
            before.save(update_fields=["name"])
        else:
            after.user_set.add(*before.user_set.all())
            before.delete()


def restore_group_names(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for old, new in RENAMED.items():
        if not Group.objects.filter(name=old).exists():
            Group.objects.filter(name=new).update(name=old)


TRANSITION_ONLY = """
CREATE OR REPLACE FUNCTION procurement_change_proposal_transition() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('procurement.maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status = 'proposed' AND NEW.status IN ('approved', 'rejected')
        AND (NEW.id, NEW.kind, NEW.summary, NEW.policy_pack_id, NEW.pack_document_sha256,
             NEW.catalogue, NEW.evaluator_id, NEW.accredited, NEW.accreditation,
             NEW.proposed_by_id, NEW.proposed_at)
        IS NOT DISTINCT FROM
            (OLD.id, OLD.kind, OLD.summary, OLD.policy_pack_id, OLD.pack_document_sha256,
             OLD.catalogue, OLD.evaluator_id, OLD.accredited, OLD.accreditation,
             OLD.proposed_by_id, OLD.proposed_at)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'procurement_changeproposal is transition-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER procurement_changeproposal_transition BEFORE UPDATE OR DELETE
    ON procurement_changeproposal FOR EACH ROW
    EXECUTE FUNCTION procurement_change_proposal_transition();
CREATE TRIGGER procurement_changeproposal_no_truncate BEFORE TRUNCATE
    ON procurement_changeproposal FOR EACH STATEMENT
    EXECUTE FUNCTION procurement_change_proposal_transition();
"""

DROP_TRANSITION_ONLY = """
DROP TRIGGER IF EXISTS procurement_changeproposal_transition ON procurement_changeproposal;
DROP TRIGGER IF EXISTS procurement_changeproposal_no_truncate ON procurement_changeproposal;
DROP FUNCTION IF EXISTS procurement_change_proposal_transition();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0010_records_that_cannot_be_rewritten"),
        ("providers", "0004_region_operator"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="policypack",
            options={
                "ordering": ["slug", "-version"],
                "permissions": [
                    (
                        "publish_policypack",
                        "Can propose and approve publishing a policy pack version",
                    ),
                    (
                        "adopt_policypack",
                        "Can adopt a published policy pack version for the department",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="department",
            name="adopted_pack",
            field=models.ForeignKey(
                blank=True,
                help_text="The published policy pack version its comparisons use, adopted explicitly by its administrator or a policy officer: a newer version applies only once adopted.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="procurement.policypack",
            ),
        ),
        migrations.RunPython(adopt_what_they_use_today, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="department",
            name="policy_pack",
        ),
        migrations.CreateModel(
            name="ChangeProposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("pack_publication", "Publish a policy pack version"),
                            ("catalogue", "Change the catalogue"),
                            ("accreditation", "Grant or withdraw an evaluator's accreditation"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Awaiting approval"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                        ],
                        default="proposed",
                        max_length=10,
                    ),
                ),
                ("summary", models.CharField(help_text="What changes and why.", max_length=500)),
                (
                    "pack_document_sha256",
                    models.CharField(
                        blank=True,
                        help_text="The draft's policy as proposed (SHA-256).",
                        max_length=64,
                    ),
                ),
                (
                    "catalogue",
                    models.TextField(
                        blank=True, help_text="A catalogue-file fragment in the catalogue format."
                    ),
                ),
                ("accredited", models.BooleanField(blank=True, null=True)),
                ("accreditation", models.CharField(blank=True, max_length=200)),
                ("proposed_at", models.DateTimeField()),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "evaluator",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="providers.evaluator",
                    ),
                ),
                (
                    "policy_pack",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="procurement.policypack",
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-proposed_at"],
                "permissions": [
                    ("change_catalogue", "Can propose and approve catalogue changes"),
                    ("accredit_evaluator", "Can propose and approve evaluator accreditations"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "pack_publication"), ("policy_pack__isnull", False)),
                            models.Q(
                                ("kind", "catalogue"), models.Q(("catalogue", ""), _negated=True)
                            ),
                            models.Q(
                                ("accredited__isnull", False),
                                ("evaluator__isnull", False),
                                ("kind", "accreditation"),
                            ),
                            _connector="OR",
                        ),
                        name="change_proposal_has_its_content",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("decided_at__isnull", True), ("status", "proposed")),
                            models.Q(
                                models.Q(("status", "proposed"), _negated=True),
                                ("decided_at__isnull", False),
                                ("decided_by__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="change_proposal_decided_has_decider",
                    ),
                ],
            },
        ),
        migrations.RunPython(rename_groups, restore_group_names),
        migrations.RunPython(on_postgresql(TRANSITION_ONLY), on_postgresql(DROP_TRANSITION_ONLY)),
    ]
