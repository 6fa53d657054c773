"""Departments (the tenants), policy packs, workloads, comparisons, decisions and the audit trail.

Every department-owned row carries ``department``; pages and the API reach them only through
``selectors.visible_to()``, which keeps a user's own department's rows. Comparisons, their
stored results and audit events are insert-only: on PostgreSQL triggers refuse UPDATE, DELETE and
TRUNCATE (migrations 0002 and 0006), and each department's audit events form a hash chain that
``verify_audit_chain`` checks.
"""

from __future__ import annotations

import functools
import json
import operator
import uuid
import zlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from procurement import labels, transitions
from procurement.workload_fields import InRange, check_constraints, default
from providers.models import WebURLField


class Department(models.Model):
    """A buying body: a ministry, department, public-sector bank, hospital or university.

    Its body type, ministry (``parent``) and sector attribute its awards on the transparency
    dashboard; a department of a restricted sector marks its awards restricted by default.
    """

    class BodyType(models.TextChoices):
        CENTRAL_MINISTRY = "central_ministry", _("Central ministry or department")
        STATE_DEPARTMENT = "state_department", _("State government department")
        PUBLIC_SECTOR_BANK = "public_sector_bank", _("Public sector bank")
        HOSPITAL = "hospital", _("Public hospital")
        SCHOOL = "school", _("Government school")
        UNIVERSITY = "university", _("Public university")
        PSU = "psu", _("Public sector undertaking")

    class Sector(models.TextChoices):
        HEALTH = "health", _("Health")
        EDUCATION = "education", _("Education")
        JUSTICE = "justice", _("Justice")
        FINANCE = "finance", _("Finance")
        AGRICULTURE = "agriculture", _("Agriculture")
        CITIZEN_SERVICES = "citizen_services", _("Citizen services")
        DEFENCE_SECURITY = "defence_security", _("Defence and security")

    RESTRICTED_SECTORS = frozenset({Sector.DEFENCE_SECURITY.value})

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    parent = models.CharField(
        "ministry or parent body",
        max_length=200,
        blank=True,
        help_text="Ministry or parent body, e.g. 'Ministry of Health and Family Welfare'.",
    )
    body_type = models.CharField(
        max_length=20, choices=BodyType.choices, default=BodyType.CENTRAL_MINISTRY
    )
    sector = models.CharField(
        max_length=20, choices=Sector.choices, default=Sector.CITIZEN_SERVICES
    )
    is_demo = models.BooleanField(default=False)
    adopted_pack = models.ForeignKey(
        "PolicyPack",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The published policy pack version its comparisons use, adopted explicitly by "
        "its administrator or a policy officer: a newer version applies only once adopted.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """The one department a user belongs to. Roles are Django groups (procurement.roles)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="members")
    designation = models.CharField(max_length=120, blank=True, help_text="e.g. 'Under Secretary'.")

    def __str__(self) -> str:
        return f"{self.user} — {self.department}"


class PolicyPack(models.Model):
    """One version of a policy pack: the engine's policy as data, with its citations.

    A draft can be edited; a published version never changes (a change is a new version).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(max_length=80, help_text="The pack's id, e.g. 'india-default'.")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    document = models.JSONField(help_text="The policy in the engine's JSON format.")
    effective_from = models.DateField()
    change_note = models.TextField(blank=True, help_text="What changed from the last version.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="policy_pack_unique_version"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="policy_pack_published_has_date",
            ),
        ]
        permissions = [
            ("publish_policypack", "Can propose and approve publishing a policy pack version"),
            ("adopt_policypack", "Can adopt a published policy pack version for the department"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ChangeProposal(models.Model):
    """A change to data every department shares — publishing a policy pack version, a catalogue
    change, an evaluator's accreditation — proposed by one person of a platform role and approved
    or rejected by another person of the same role (``procurement.platform``).

    Transition-only: the proposal's content never changes, and its status moves once, from
    proposed to approved or rejected (on PostgreSQL a trigger refuses anything else, and DELETE).
    """

    class Kind(models.TextChoices):
        PACK_PUBLICATION = "pack_publication", _("Publish a policy pack version")
        CATALOGUE = "catalogue", _("Change the catalogue")
        ACCREDITATION = "accreditation", _("Grant or withdraw an evaluator's accreditation")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    summary = models.CharField(max_length=500, help_text="What changes and why.")
    policy_pack = models.ForeignKey(
        PolicyPack, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pack_document_sha256 = models.CharField(
        max_length=64, blank=True, help_text="The draft's policy as proposed (SHA-256)."
    )
    catalogue = models.TextField(
        blank=True, help_text="A catalogue-file fragment in the catalogue format."
    )
    evaluator = models.ForeignKey(
        "providers.Evaluator", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accredited = models.BooleanField(null=True, blank=True)
    accreditation = models.CharField(max_length=200, blank=True)
    # A grant's scope and term (an ``Accreditation`` row once approved); empty for a withdrawal.
    scope_use_cases = models.JSONField(null=True, blank=True)
    scope_languages = models.JSONField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="pack_publication", policy_pack__isnull=False)
                    | Q(kind="catalogue") & ~Q(catalogue="")
                    | Q(kind="accreditation", evaluator__isnull=False, accredited__isnull=False)
                ),
                name="change_proposal_has_its_content",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed", decided_at__isnull=True)
                | ~Q(status="proposed") & Q(decided_at__isnull=False, decided_by__isnull=False),
                name="change_proposal_decided_has_decider",
            ),
        ]
        permissions = [
            ("change_catalogue", "Can propose and approve catalogue changes"),
            ("accredit_evaluator", "Can propose and approve evaluator accreditations"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary[:60]}"


class Workload(models.Model):
    """What a department needs to buy, in the engine's terms.

    Its fields are those of the table in ``procurement.workload_fields``, which gives each its
    validator and the CHECK constraints below from the engine's bounds.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="workloads")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    use_case = models.CharField(max_length=20, choices=labels.USE_CASE.choices)
    languages = models.JSONField(
        default=list, validators=[InRange("languages")], help_text="ISO 639-1 codes."
    )
    requests_per_day = models.PositiveIntegerField(validators=[InRange("requests_per_day")])
    mean_input_tokens = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[InRange("mean_input_tokens")]
    )
    mean_output_tokens = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[InRange("mean_output_tokens")]
    )
    cached_input_share_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=default("cached_input_share_pct"),
        validators=[InRange("cached_input_share_pct")],
    )
    annual_growth_pct = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=default("annual_growth_pct"),
        validators=[InRange("annual_growth_pct")],
    )
    peak_to_average = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=default("peak_to_average"),
        validators=[InRange("peak_to_average")],
    )
    term_years = models.PositiveSmallIntegerField(validators=[InRange("term_years")])
    start_date = models.DateField(validators=[InRange("start_date")])
    data_classification = models.JSONField(
        default=list,
        validators=[InRange("data_classification")],
        help_text="Every tag that applies.",
    )
    max_p95_latency_ms = models.PositiveIntegerField(
        null=True, blank=True, validators=[InRange("max_p95_latency_ms")]
    )
    min_availability_pct = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[InRange("min_availability_pct")],
    )
    estimated_value_inr = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[InRange("estimated_value_inr")],
    )
    procurement_category = models.CharField(
        max_length=20,
        choices=labels.PROCUREMENT_CATEGORY.choices,
        default=default("procurement_category"),
    )
    evaluation_method = models.CharField(
        max_length=4, choices=labels.EVALUATION_METHOD.choices, blank=True
    )
    qcbs_technical_weight_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[InRange("qcbs_technical_weight_pct")],
    )
    quality_oriented_procurement_declared = models.BooleanField(default=False)
    global_tender_approved = models.BooleanField(default=False)
    buyer_gst_registered_business_use = models.BooleanField(default=False)
    # The file note's particulars (the table's last group): the department's own record.
    file_number = models.CharField(max_length=100, blank=True)
    file_subject = models.CharField(max_length=300, blank=True)
    division = models.CharField(max_length=200, blank=True)
    indenter = models.CharField(max_length=200, blank=True)
    budget_head = models.CharField(max_length=200, blank=True)
    budget_provision_inr = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[InRange("budget_provision_inr")],
    )
    estimate_basis = models.TextField(blank=True, max_length=2000)
    estimate_prepared_by = models.CharField(max_length=200, blank=True)
    estimate_prepared_on = models.DateField(
        null=True, blank=True, validators=[InRange("estimate_prepared_on")]
    )
    gem_reference = models.CharField(max_length=200, blank=True)
    competent_authority = models.CharField(max_length=200, blank=True)
    aaes_status = models.CharField(max_length=300, blank=True)
    committees = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = check_constraints("workload")

    def __str__(self) -> str:
        return self.title


class Comparison(models.Model):
    """One run of the engine for one workload: a self-contained snapshot, never changed.

    ``snapshot`` is the canonical JSON text of every input and the results; ``fingerprint`` is
    its SHA-256 as the engine computes it. The summary columns repeat what the snapshot says, for
    lists and search; the results alone are stored once more, at insert, in ``ComparisonResults``
    so that pages and the API read them without parsing the whole snapshot.
    """

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="comparisons")
    workload = models.ForeignKey(Workload, on_delete=models.PROTECT, related_name="comparisons")
    tender = models.ForeignKey(
        "Tender",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        help_text="Set on an evaluation of a tender's bids: its offers are the qualified bids.",
    )
    policy_pack = models.ForeignKey(PolicyPack, on_delete=models.PROTECT, related_name="+")
    decision_date = models.DateField()
    snapshot = models.TextField()
    # Not unique: running the same workload again on the same inputs gives the same snapshot,
    # and each run is still a record of its own.
    fingerprint = models.CharField(max_length=64, db_index=True)
    engine_version = models.CharField(max_length=40)
    offer_count = models.PositiveIntegerField()
    eligible_count = models.PositiveIntegerField()
    recommended_offer_id = models.CharField(max_length=120, blank=True)
    recommended_name = models.CharField(max_length=300, blank=True)
    # Wide enough for any workload within the engine's bounds priced by any real catalogue.
    recommended_total_inr = models.DecimalField(
        max_digits=30, decimal_places=2, null=True, blank=True
    )
    mechanism = models.CharField(max_length=60, blank=True)
    uses_demo_data = models.BooleanField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Comparison {self.pk} of {self.workload}"

    def snapshot_document(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.snapshot)
        return document


class ComparisonResults(models.Model):
    """The engine's results of one comparison, written in the same transaction as it: the
    canonical JSON of its snapshot's ``results`` (UTF-8, byte for byte), compressed with zlib.

    Compressed once, at insert, to about a sixteenth (some 25 kB for 40 offers), so a read
    moves little from the database and inflates in a fraction of a millisecond. Insert-only like
    the comparison (migration 0006); ``verify_audit_chain`` checks that it still holds the
    snapshot's results.
    """

    comparison = models.OneToOneField(
        Comparison, on_delete=models.PROTECT, primary_key=True, related_name="results"
    )
    json_zlib = models.BinaryField()

    class Meta:
        verbose_name_plural = "comparison results"

    def __str__(self) -> str:
        return f"Results of comparison {self.comparison_id}"

    @staticmethod
    def pack(results_json: bytes) -> bytes:
        return zlib.compress(results_json, 6)

    @staticmethod
    def unpack(json_zlib: bytes | memoryview) -> bytes:
        """The canonical JSON bytes of stored results."""
        return zlib.decompress(json_zlib)

    def json(self) -> bytes:
        return self.unpack(self.json_zlib)


class Decision(transitions.TransitionOnly):
    """An award proposed by an officer and approved or returned by an approver (maker-checker).

    Its history is its audit events. A returned proposal stays as it was; the officer proposes
    again, which makes a new Decision. Transition-only: proposed → approved | returned, once
    (procurement/transitions.py; a trigger on PostgreSQL, migration 0010).
    """

    transition_rule = staticmethod(transitions.decision_change)

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned to the officer")

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="decisions")
    comparison = models.ForeignKey(Comparison, on_delete=models.PROTECT, related_name="decisions")
    offer_id = models.CharField(max_length=120)
    offer_name = models.CharField(max_length=300)
    follows_recommendation = models.BooleanField()
    reason = models.TextField(
        blank=True, help_text="Required when the award departs from the recommendation."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    restricted = models.BooleanField(
        default=False,
        help_text="Counted in the national totals only, never by sector, use case, buyer type "
        "or ministry (e.g. security); set when proposed.",
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        permissions = [("approve_decision", "Can approve or return a proposed award")]
        constraints = [
            # At most one live proposal or approval per comparison.
            models.UniqueConstraint(
                fields=["comparison"],
                condition=Q(status__in=["proposed", "approved"]),
                name="decision_one_live_per_comparison",
            ),
            models.CheckConstraint(
                condition=Q(follows_recommendation=True) | ~Q(reason=""),
                name="decision_departure_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk}: {self.offer_name} ({self.get_status_display()})"


class AuditEvent(models.Model):
    """One step someone took, in an insert-only hash chain: one chain per department, and the
    platform's own chain (``department`` empty) for changes to data every department shares.

    ``content_hash`` is the SHA-256 of the event's canonical content; ``chain_hash`` =
    SHA-256(previous chain_hash ‖ content_hash). ``sequence`` numbers a chain's events from 1.
    ``actor`` is the account that acted (a person, or an API key's service account); ``person``
    is the person answerable for it (the key's holder when a key acted).
    """

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sequence = models.PositiveIntegerField()
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person_name = models.CharField(max_length=150, blank=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    summary = models.CharField(max_length=500)
    payload = models.TextField(help_text="Canonical JSON of the facts recorded.")
    created_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["department", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "sequence"], name="audit_event_unique_sequence"
            ),
            models.UniqueConstraint(
                fields=["sequence"],
                condition=Q(department__isnull=True),
                name="audit_event_unique_platform_sequence",
            ),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.department or 'platform'} #{self.sequence}: {self.action}"


class ChainCheckpoint(models.Model):
    """The heads of every audit chain at one moment, signed with the product's key: insert-only
    (a trigger on PostgreSQL, migration 0010) and published at /verify/checkpoints/, so a chain
    cut short or rewritten after it no longer matches a copy kept outside the database.

    ``statement`` is the canonical JSON text that was signed (procurement/audit.py,
    ``checkpoint_statement``); ``signature`` is the base64 Ed25519 signature of it.
    """

    created_at = models.DateTimeField()
    statement = models.TextField()
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Checkpoint {self.pk} at {self.created_at:%Y-%m-%d %H:%M}"


class JustificationDocument(transitions.TransitionOnly):
    """A justification PDF for one comparison: the row is the rendering job and its result.

    Created queued in the same transaction as the request (an outbox), rendered by a Celery task
    that claims it with a conditional update, so however often the task is delivered there is
    one result. Transition-only (procurement/transitions.py; a trigger on PostgreSQL, migration
    0010): a ready document is never changed, and the ``document.ready`` event of its chain
    records its ``sha256``, which the public verification page looks up.
    """

    transition_rule = staticmethod(transitions.document_change)

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        FILE_NOTE = "file_note", _("File note")
        BID_DOCUMENT = "bid_document", _("Bid document")
        EVALUATION_REPORT = "evaluation_report", _("Bid evaluation committee report")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    comparison = models.ForeignKey(Comparison, on_delete=models.PROTECT, related_name="documents")
    # What the document is: the pre-tender file note of a comparison (its annex the market
    # survey), the bid document of a tender (its comparison the planning one), or a tender's
    # bid evaluation committee report (its comparison the evaluation it reports).
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FILE_NOTE)
    tender = models.ForeignKey(
        "Tender", on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    # "hi-en": one PDF in Hindi and English (procurement.documents.bilingual), as the Official
    # Languages Act, 1963, s. 3(3) requires of tender documents; "en" or "hi": a document
    # requested in one language before documents were bilingual.
    language = models.CharField(max_length=5, default="hi-en")
    # Set once, at insert: a document requested once the award is approved is the file's final
    # version; earlier ones are drafts, and read as superseded once a final one exists.
    final = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True, help_text="Why rendering failed, in plain words.")
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, editable=False)
    sha256 = models.CharField(max_length=64, null=True, blank=True, unique=True)
    size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(sha256__isnull=False) & Q(pdf__isnull=False)),
                name="document_ready_has_pdf",
            ),
            # A file note is a comparison's; a bid document or an evaluation committee report
            # is a tender's (the report's comparison is the tender's latest evaluation).
            models.CheckConstraint(
                condition=Q(kind="file_note", tender__isnull=True)
                | Q(kind__in=["bid_document", "evaluation_report"], tender__isnull=False),
                name="document_of_a_tender_names_its_tender",
            ),
        ]
        indexes = [models.Index(fields=["status", "enqueued_at"])]

    def tender_filename(self) -> str:
        """The download name of a tender's document (a bid document or an evaluation report)."""
        assert self.tender is not None
        what = "evaluation-report" if self.kind == self.Kind.EVALUATION_REPORT else "bid-document"
        return f"{what}-{slugify(self.tender.reference)[:60] or 'tender'}.pdf"

    def __str__(self) -> str:
        return f"Justification for comparison {self.comparison_id} ({self.get_status_display()})"

    def issued(self) -> tuple[bytes, str]:
        """The PDF of a ready document and its SHA-256 (the database holds both for every
        ready document)."""
        if self.pdf is None or self.sha256 is None:
            raise ValueError(f"document {self.pk} has not been issued")
        return bytes(self.pdf), self.sha256


class DepartmentAPIKey(AbstractAPIKey):
    """An API key of one department's system, stored hashed (SHA-512); shown once, at creation.

    Requests made with the key act as its ``service_user``: an account of the same department,
    with no usable password, granted roles (officer, approver) of which it acts with those its
    ``person`` still holds (``api_keys.KeyHolderBackend``). Audit events name both, and
    maker-checker compares persons, across keys and sign-ins.
    """

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="api_keys")
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_keys_held",
        help_text="The person of the department who answers for what the key does.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "department API key"
        verbose_name_plural = "department API keys"


# The national figures (procurement/summary.py writes them, procurement/national.py reads them) --


class AwardFact(models.Model):
    """One approved award's projected contribution to the national figures, computed once from
    its comparison's stored inputs and results (``engine.national.award_contribution``) when it
    is approved, with the buyer's attribution as it stood then. Synthetic rows (``seed_scale``)
    have no decision and are demo. Derived: ``rebuild_transparency`` adds any that are missing.
    """

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="award_fact"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(max_length=20, choices=Department.Sector.choices)
    body_type = models.CharField(max_length=20, choices=Department.BodyType.choices)
    ministry = models.CharField(max_length=200, blank=True)
    use_case = models.CharField(max_length=20, choices=labels.USE_CASE.choices)
    restricted = models.BooleanField()
    decided_on = models.DateField()
    quarter = models.CharField(max_length=7, help_text="Quarter of the decision, e.g. 2026-Q3.")
    contract_start = models.DateField()
    contract_end = models.DateField(help_text="The day after the last day of the contract.")
    offer_name = models.CharField(max_length=300)
    hosting = models.CharField(max_length=30, choices=labels.HOSTING.choices)
    inferences = models.BigIntegerField(help_text="Requests over the whole contract.")
    input_tokens = models.BigIntegerField()
    output_tokens = models.BigIntegerField()
    yearly_inferences = models.JSONField(help_text="Requests per contract year, in order.")
    nominal_inr = models.DecimalField(max_digits=20, decimal_places=2)
    npv_inr = models.DecimalField(max_digits=20, decimal_places=2)
    premium_paid_inr = models.DecimalField(max_digits=20, decimal_places=2)
    shift_premium_pct = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    shift_extra_inr = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    is_demo = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["quarter"], name="awardfact_quarter"),
            models.Index(fields=["department", "quarter"], name="awardfact_department"),
            # A series' quarter (its cell) and its departments' spans (index-only): restricted
            # awards count in no series but the national one.
            *(
                models.Index(
                    fields=[dimension, "quarter", "department"],
                    condition=Q(restricted=False),
                    name=f"awardfact_{dimension}",
                )
                for dimension in ("sector", "use_case", "body_type", "ministry")
            ),
            models.Index(fields=["contract_start", "contract_end"], name="awardfact_in_force"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(inferences__gte=0)
                & Q(input_tokens__gte=0)
                & Q(output_tokens__gte=0)
                & Q(nominal_inr__gte=0)
                & Q(premium_paid_inr__gte=0),
                name="awardfact_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Award of {self.offer_name} ({self.quarter})"


class UsageReport(models.Model):
    """What an awarded contract actually served in one quarter, as its department reported it.
    Insert-only (a trigger on PostgreSQL, migration 0014): a correction is a new row naming the
    one it corrects; the latest report for an award and quarter counts."""

    class Source(models.TextChoices):
        API = "api", _("API")
        UPLOAD = "upload", _("CSV upload")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="usage_reports")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    quarter = models.CharField(max_length=7, help_text="The quarter served, e.g. 2026-Q3.")
    requests = models.BigIntegerField()
    input_tokens = models.BigIntegerField()
    output_tokens = models.BigIntegerField()
    invoiced_inr = models.DecimalField(max_digits=20, decimal_places=2)
    note = models.TextField(blank=True, max_length=1000)
    source = models.CharField(max_length=10, choices=Source.choices)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision_id", "quarter", "reported_at", "pk"]
        indexes = [models.Index(fields=["quarter", "decision"], name="usagereport_quarter")]
        constraints = [
            models.CheckConstraint(
                condition=Q(requests__gte=0)
                & Q(input_tokens__gte=0)
                & Q(output_tokens__gte=0)
                & Q(invoiced_inr__gte=0),
                name="usagereport_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=r"^[0-9]{4}-Q[1-4]$"), name="usagereport_quarter_form"
            ),
        ]

    def __str__(self) -> str:
        return f"Usage of award {self.decision_id} in {self.quarter}"


class ShareTarget(models.Model):
    """The national domestic share the platform's policy authority aims for, by a date.
    Insert-only: the latest row is the target; earlier ones are its history."""

    target_pct = models.DecimalField(max_digits=5, decimal_places=2)
    by_date = models.DateField()
    source_note = models.CharField(max_length=500, help_text="The decision that set it.")
    source_url = WebURLField(blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_pct__gte=0) & Q(target_pct__lte=100),
                name="sharetarget_percentage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_pct} % by {self.by_date.isoformat()}"


class TransparencyCell(models.Model):
    """One cell of the dashboard's summary: a series (a dimension and its key; ``national`` has
    the key "") in one quarter of decision ("" for all quarters together). Rewritten whole,
    series by series, by procurement/summary.py; never the source of truth (the award facts
    are). ``departments_to_date``/``departments_since``: departments with an award in this
    series up to / from this quarter, so cumulative and "since" cells can be suppressed."""

    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=200, blank=True)
    quarter = models.CharField(max_length=7, blank=True)
    awards = models.PositiveIntegerField()
    departments = models.PositiveIntegerField()
    departments_to_date = models.PositiveIntegerField()
    departments_since = models.PositiveIntegerField()
    domestic_inferences = models.BigIntegerField()
    foreign_in_india_inferences = models.BigIntegerField()
    abroad_inferences = models.BigIntegerField()
    domestic_tokens = models.BigIntegerField()
    foreign_in_india_tokens = models.BigIntegerField()
    abroad_tokens = models.BigIntegerField()
    domestic_nominal_inr = models.DecimalField(max_digits=22, decimal_places=2)
    foreign_in_india_nominal_inr = models.DecimalField(max_digits=22, decimal_places=2)
    abroad_nominal_inr = models.DecimalField(max_digits=22, decimal_places=2)
    npv_inr = models.DecimalField(max_digits=22, decimal_places=2)
    premium_paid_inr = models.DecimalField(max_digits=22, decimal_places=2)
    is_demo = models.BooleanField(help_text="Built from any demo or synthetic award.")
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key", "quarter"], name="transparencycell_one_per_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.key} {self.quarter or 'all quarters'}"


class ScenarioCell(models.Model):
    """For the policy scenario: awards of a series (``national`` or a sector) decided in one
    quarter that a transition premium of ``premium_pct`` % (whole percent, the smallest that
    moves them) would have moved to domestic infrastructure, with the inferences moved and the
    extra nominal rupees."""

    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=200, blank=True)
    quarter = models.CharField(max_length=7)
    premium_pct = models.PositiveSmallIntegerField()
    awards = models.PositiveIntegerField()
    inferences = models.BigIntegerField()
    extra_inr = models.DecimalField(max_digits=22, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key", "quarter", "premium_pct"],
                name="scenariocell_one_per_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.key} {self.quarter} at {self.premium_pct} %"


class UsageCell(models.Model):
    """Projected against reported use, nationally, for one quarter served: contracts in force,
    those that reported (their latest report each), and what they projected for that quarter."""

    quarter = models.CharField(max_length=7, unique=True)
    contracts_in_force = models.PositiveIntegerField()
    contracts_reported = models.PositiveIntegerField()
    departments = models.PositiveIntegerField(help_text="Departments that reported.")
    departments_in_force = models.PositiveIntegerField()
    projected_requests = models.BigIntegerField(help_text="Of the contracts that reported.")
    actual_requests = models.BigIntegerField()
    actual_tokens = models.BigIntegerField()
    invoiced_inr = models.DecimalField(max_digits=22, decimal_places=2)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Usage in {self.quarter}"


# The community: evaluator organisations and what they submit for review ------------------------


class EvaluatorMember(models.Model):
    """A person who acts for an evaluator organisation (not a department: an evaluator member
    has no Membership). One organisation per person."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluator_membership"
    )
    evaluator = models.ForeignKey(
        "providers.Evaluator", on_delete=models.PROTECT, related_name="members"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.evaluator})"


class Accreditation(models.Model):
    """An evaluator's accreditation for a scope (use cases × languages) until a date, granted by
    the evaluator accreditation authority (proposed by one person, approved by another: the
    ChangeProposal). Insert-only (a trigger on PostgreSQL): a renewal or a wider scope is a new
    row; an accreditation counts from ``granted_on`` to ``expires_on`` inclusive."""

    evaluator = models.ForeignKey(
        "providers.Evaluator", on_delete=models.PROTECT, related_name="accreditations"
    )
    use_cases = models.JSONField(help_text="Use-case codes the accreditation covers.")
    languages = models.JSONField(help_text="Language codes the accreditation covers.")
    granted_on = models.DateField()
    expires_on = models.DateField()
    scheme = models.CharField(max_length=200, help_text="The scheme it is granted under.")
    proposal = models.OneToOneField(
        ChangeProposal, on_delete=models.PROTECT, related_name="granted_accreditation"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evaluator_id", "-expires_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("granted_on")), name="accreditation_expires_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} until {self.expires_on.isoformat()}"

    def covers(self, use_case: str, language: str) -> bool:
        return use_case in self.use_cases and language in self.languages


class Submission(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class Benchmark(models.Model):
    """A test set an evaluation runs, registered by an evaluator and reviewed by a catalogue
    steward before any evaluation may name it. Insert-only; its review is a row of its own."""

    name = models.CharField(max_length=120)
    version = models.CharField(max_length=40)
    description = models.TextField(max_length=2000, blank=True)
    languages = models.JSONField(help_text="Language codes the test set covers.")
    items = models.PositiveIntegerField(help_text="Number of test items.")
    licence = models.CharField(max_length=120)
    url = WebURLField(max_length=500, help_text="Where the test set and its card are published.")
    held_out = models.BooleanField(
        help_text="The test set is kept out of public training data (not published in full)."
    )
    evaluator = models.ForeignKey(
        "providers.Evaluator", on_delete=models.PROTECT, related_name="benchmarks"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="benchmark_name_version"),
            models.CheckConstraint(condition=Q(items__gt=0), name="benchmark_has_items"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class EvidenceFile(models.Model):
    """An uploaded evidence file (PDF, CSV or JSON, ≤ 10 MB), checked before it is stored
    (``providers.evidence``), kept by its SHA-256 and served only as a download. Insert-only."""

    sha256 = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class EvaluationSubmission(models.Model):
    """A quality evaluation an evaluator submits: the score of one offer (one model snapshot) for
    one use case in one language, on a registered benchmark, with its scoring method, settings,
    evidence file and per-item results, from which the product recomputed the score and its
    95 % interval. Insert-only; a steward's review is an ``EvaluationReview``; an accepted one
    becomes the catalogue's ``QualityEvaluation`` (``quality_evaluation``)."""

    class Method(models.TextChoices):
        EXACT_MATCH = "exact_match", _("Exact match against reference answers")
        HUMAN_RUBRIC = "human_rubric", _("Rubric scored by human raters")
        JUDGE_MODEL = "judge_model", _("Rubric scored by a judge model")

    evaluator = models.ForeignKey(
        "providers.Evaluator", on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    offering = models.ForeignKey(
        "providers.Offering", on_delete=models.PROTECT, related_name="submissions"
    )
    model_snapshot = models.CharField(
        max_length=120, help_text="The model version evaluated, as the provider names it."
    )
    use_case = models.CharField(max_length=20, choices=labels.USE_CASE.choices)
    language = models.ForeignKey("providers.Language", on_delete=models.PROTECT, related_name="+")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="submissions")
    method = models.CharField(max_length=20, choices=Method.choices)
    judge_model = models.CharField(max_length=120, blank=True)
    judge_prompt = models.TextField(max_length=5000, blank=True)
    settings = models.TextField(
        max_length=5000, help_text="Prompts, temperature, number of shots and other settings."
    )
    score = models.DecimalField(max_digits=5, decimal_places=2)
    run_on = models.DateField()
    valid_until = models.DateField()
    evidence = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="+")
    item_results = models.BinaryField()
    item_results_sha256 = models.CharField(max_length=64)
    items = models.PositiveIntegerField()
    recomputed_score = models.DecimalField(max_digits=5, decimal_places=2)
    ci_low = models.DecimalField(max_digits=5, decimal_places=2)
    ci_high = models.DecimalField(max_digits=5, decimal_places=2)
    interval_method = models.CharField(max_length=10)
    has_ties = models.BooleanField(
        help_text="The evaluator declares ties to the provider evaluated (conflict of interest)."
    )
    ties = models.TextField(max_length=2000, blank=True, help_text="The ties, when there are.")
    submitted_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="submission_score_0_100"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("run_on")), name="submission_valid_after_run"
            ),
            models.CheckConstraint(
                condition=~Q(method="judge_model") | ~Q(judge_model=""),
                name="submission_judge_named",
            ),
            models.CheckConstraint(
                condition=Q(has_ties=False) | ~Q(ties=""), name="submission_ties_stated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering} — {self.use_case}/{self.language_id}: {self.score}"


class ProviderMember(models.Model):
    """A person who acts for a provider of the catalogue (no department). One provider per
    person."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="provider_membership"
    )
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.provider})"


class ProviderChange(models.Model):
    """A change a provider submits to its own record: its offers, their prices (with source and
    effective date), their regions and its certifications, as a fragment in the catalogue-file
    format, with an optional evidence file (a certificate). A steward's review loads it with
    the catalogue's upsert, adding dated rows, never rewriting one. Insert-only."""

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="changes"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(max_length=500, help_text="What changes and why.")
    catalogue = models.TextField(help_text="The fragment in the catalogue-file format.")
    evidence = models.ForeignKey(
        EvidenceFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.provider}: {self.summary[:60]}"


class Contributor(models.Model):
    """A registered practitioner or domain expert: the name and affiliation shown beside what
    they publish. What they may publish is their role (a group): practitioners measurements,
    domain experts notes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributor"
    )
    affiliation = models.CharField(max_length=200, help_text="Organisation or role, as shown.")
    is_demo = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()}, {self.affiliation}"


class Measurement(models.Model):
    """What a practitioner measured of one offer in use over a period: latency, throughput,
    availability, the price actually paid, with the method and an evidence file. Shown on the
    offer's page as community-reported; no gate reads it unless a steward promotes its p95
    latency to the catalogue (its Review, accepted). Insert-only."""

    offering = models.ForeignKey(
        "providers.Offering", on_delete=models.PROTECT, related_name="measurements"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    requests = models.PositiveIntegerField(help_text="Requests measured.")
    p50_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    p95_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    tokens_per_second = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    availability_pct = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    observed_inr_per_mtok = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Rupees paid per million tokens (input and output together), from invoices.",
    )
    method = models.TextField(max_length=2000)
    evidence = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="measurement_period"
            ),
            models.CheckConstraint(
                condition=Q(p50_latency_ms__isnull=False)
                | Q(p95_latency_ms__isnull=False)
                | Q(tokens_per_second__isnull=False)
                | Q(availability_pct__isnull=False)
                | Q(observed_inr_per_mtok__isnull=False),
                name="measurement_measures_something",
            ),
            models.CheckConstraint(
                condition=Q(p50_latency_ms__isnull=True)
                | Q(p95_latency_ms__isnull=True)
                | Q(p50_latency_ms__lte=F("p95_latency_ms")),
                name="measurement_p50_within_p95",
            ),
            models.CheckConstraint(
                condition=Q(availability_pct__isnull=True)
                | Q(availability_pct__gte=0, availability_pct__lte=100),
                name="measurement_availability_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering}: {self.period_start.isoformat()} to {self.period_end.isoformat()}"


class DomainNote(models.Model):
    """A domain expert's note on a use case (and, optionally, one rule the engine checks): why it
    needs domestic inference or a quality bar, with sources. Reviewed by a catalogue steward;
    an accepted note is shown on comparisons of that use case and quoted in their
    justification. Insert-only."""

    use_case = models.CharField(max_length=20, choices=labels.USE_CASE.choices)
    rule = models.CharField(
        max_length=40, blank=True, help_text="A rule code the note bears on, or blank."
    )
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=4000)
    sources = models.JSONField(help_text="[{title, url}], at least one.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    affiliation = models.CharField(max_length=200, help_text="The author's, when submitted.")
    submitted_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class OfferRuleCount(models.Model):
    """How many comparisons decided on ``day`` considered an offer (``rule`` blank) and how many
    it failed by each rule: counted when a comparison is stored, for the provider's own view of
    what to fix. No buyer, workload or competitor is recorded."""

    offer_id = models.CharField(max_length=120)
    day = models.DateField()
    rule = models.CharField(max_length=40, blank=True)
    comparisons = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer_id", "day", "rule"], name="offerrulecount_one")
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.day.isoformat()} {self.rule or 'compared'}"


# The field of a Review that names each kind of submission it may decide.
SUBMISSION_FIELDS = ("evaluation", "benchmark", "provider_change", "measurement", "domain_note")


def _exactly_one(fields: tuple[str, ...]) -> Q:
    one = [Q(**{f"{other}__isnull": other != field for other in fields}) for field in fields]
    return functools.reduce(operator.or_, one)


class Review(models.Model):
    """A catalogue steward's decision on a submission (an evaluation, a benchmark, a provider's
    change, a practitioner's measurement or a domain expert's note): accepted, or returned with
    reasons. For a measurement, accepted means its p95 latency is promoted to the catalogue and
    returned means it is withdrawn from the offer's page. One per submission; insert-only; an
    event on the platform chain."""

    evaluation = models.OneToOneField(
        EvaluationSubmission, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    benchmark = models.OneToOneField(
        Benchmark, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    provider_change = models.OneToOneField(
        ProviderChange, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    measurement = models.OneToOneField(
        Measurement, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    domain_note = models.OneToOneField(
        DomainNote, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    outcome = models.CharField(
        max_length=10,
        choices=[
            (Submission.ACCEPTED, Submission.ACCEPTED.label),
            (Submission.RETURNED, Submission.RETURNED.label),
        ],
    )
    reasons = models.TextField(max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now_add=True)
    quality_evaluation = models.OneToOneField(
        "providers.QualityEvaluation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review",
    )

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        permissions = [("review_submission", "Can accept or return the community's submissions")]
        constraints = [
            models.CheckConstraint(condition=_exactly_one(SUBMISSION_FIELDS), name="review_of_one"),
            models.CheckConstraint(
                condition=Q(outcome="accepted") | ~Q(reasons=""), name="review_return_has_reasons"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} by {self.reviewed_by}"


# From plan to award: the tender, the bids received and their opening -------------------------


class Tender(models.Model):
    """A tender published from an approved planning decision: its bid document's particulars
    (dates, the buyer-run benchmark and pass mark, the price basis, the bid and performance
    security, the Integrity Pact). Insert-only (a trigger on PostgreSQL): a tender is published
    as it is made; its later steps — the opening, the evaluation, the award — are rows of their
    own. Its open-contracting ``ocid`` is its planning decision's (``ocds.ocid``)."""

    class PriceBasis(models.TextChoices):
        PER_REQUEST = "per_request", _("Rupees per 1,000 requests at the reference workload")
        REFERENCE_TOKENISER = (
            "reference_tokeniser",
            _("Rupees per million tokens, counted by a reference tokeniser"),
        )

    class BidSecurity(models.TextChoices):
        DECLARATION = "declaration", _("Bid-securing declaration")
        EMD = "emd", _("Earnest money deposit")

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="tenders")
    planning_decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="tender"
    )
    reference = models.CharField(max_length=120, help_text="The tender number on the file.")
    title = models.CharField(max_length=300)
    bid_deadline = models.DateTimeField()
    opening_at = models.DateTimeField()
    benchmark_description = models.TextField(
        max_length=4000, help_text="The buyer's test set: what it holds, size, languages."
    )
    benchmark_rubric = models.TextField(max_length=4000, help_text="How answers are scored.")
    pass_mark = models.DecimalField(max_digits=5, decimal_places=2)
    price_basis = models.CharField(max_length=20, choices=PriceBasis.choices)
    reference_tokeniser = models.CharField(max_length=120, blank=True)
    bid_security = models.CharField(max_length=12, choices=BidSecurity.choices)
    emd_pct = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    performance_security_pct = models.DecimalField(max_digits=4, decimal_places=2)
    integrity_pact = models.BooleanField()
    price_revision_cap_pct = models.DecimalField(max_digits=5, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)
    technical_criteria = models.JSONField(
        default=list,
        blank=True,
        help_text="The QCBS technical criteria the committee marks, from the department's "
        "adopted policy pack at publication: [{criterion_id, name, max_marks (a decimal "
        "string), evidence, basis}]. Empty for a tender published before the pack had them.",
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opening_at__gte=F("bid_deadline")), name="tender_opens_after_deadline"
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0, pass_mark__lte=100), name="tender_pass_mark_0_100"
            ),
            models.CheckConstraint(
                condition=Q(bid_security="declaration", emd_pct__isnull=True)
                | Q(bid_security="emd", emd_pct__gte=2, emd_pct__lte=5),
                name="tender_emd_2_to_5_pct",
            ),
            models.CheckConstraint(
                condition=Q(performance_security_pct__gte=3, performance_security_pct__lte=5),
                name="tender_performance_security_3_to_5_pct",
            ),
            models.CheckConstraint(
                condition=~Q(price_basis="reference_tokeniser") | ~Q(reference_tokeniser=""),
                name="tender_tokeniser_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class Bid(models.Model):
    """A bid received for a tender before its deadline, recorded by the officer or posted by the
    department's system: the bidder (a catalogue provider or a new one), the offer's terms in
    the engine's offer format (the same fields as a catalogue offer: prices, regions with their
    operators, certifications, terms), the bidder's Make in India class with its local-content
    certificate, MSE and startup status. Sealed until the tender's opening (``selectors``).
    Insert-only."""

    class Certificate(models.TextChoices):
        SELF = "self", _("Self-certified")
        AUDITOR = "auditor", _("Certified by a statutory auditor or cost accountant")

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    bidder_name = models.CharField(max_length=200)
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    offer = models.JSONField(help_text="The offer's terms, in the engine's offer format.")
    local_content_pct = models.DecimalField(max_digits=5, decimal_places=2)
    local_content_certificate = models.CharField(max_length=10, choices=Certificate.choices)
    local_content_location = models.CharField(
        max_length=200, help_text="Where the value is added (Make in India order, para 9(a))."
    )
    mse = models.BooleanField(help_text="A micro or small enterprise (Udyam registered).")
    udyam_number = models.CharField(max_length=40, blank=True)
    startup = models.BooleanField(help_text="A startup recognised by DPIIT.")
    received_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["tender_id", "received_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_content_pct__gte=0, local_content_pct__lte=100),
                name="bid_local_content_percent",
            ),
            models.CheckConstraint(
                condition=Q(mse=False) | ~Q(udyam_number=""), name="bid_mse_has_udyam"
            ),
        ]

    def __str__(self) -> str:
        return f"Bid of {self.bidder_name} for {self.tender.reference}"


class BidOpening(models.Model):
    """The opening of a tender's bids, at or after its opening time: who opened them, when, and
    the SHA-256 of the bids as opened (so a bid added or altered later shows). Before it no one
    sees a bid's figures. Insert-only, one per tender; an event on the department's chain."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="opening")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    bids = models.PositiveIntegerField()
    bids_sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Opening of {self.tender.reference}"


# The technical stage of a tender's evaluation: the committee, each bid's technical result and
# the members' mark sheets (QCBS) --------------------------------------------------------------


class CommitteeMember(models.Model):
    """A person appointed to a tender's evaluation committee by an officer of its department.
    Insert-only: the committee is settled before the first mark sheet (``evaluation``)."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="committee")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tender_id", "appointed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "member"], name="committee_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} on the committee of {self.tender.reference}"


class TechnicalResult(models.Model):
    """A bid's technical result, recorded once by a member of the tender's committee after the
    opening: the buyer's benchmark score against the pass mark and the compliance checklist
    (``evaluation.compliance_items``: [{item, met, remark}]). Qualified = the benchmark passed
    and every item met. Insert-only: never edited."""

    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="technical_result")
    benchmark_score = models.DecimalField(max_digits=5, decimal_places=2)
    benchmark_passed = models.BooleanField()
    checklist = models.JSONField(help_text="[{item, met, remark}], one per compliance item.")
    qualified = models.BooleanField()
    remark = models.TextField(max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(benchmark_score__gte=0, benchmark_score__lte=100),
                name="technical_result_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(qualified=False) | Q(benchmark_passed=True),
                name="technical_result_qualified_has_passed",
            ),
        ]

    def __str__(self) -> str:
        return f"Technical result of {self.bid}"


class MarkSheet(models.Model):
    """One committee member's technical marks of a QCBS tender's qualified bids:
    {str(bid pk): {criterion_id: "marks"}}. One per member, submitted once, never edited
    (insert-only). No one else sees it until every appointed member has submitted."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="mark_sheets")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mark_sheets"
    )
    marks = models.JSONField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tender_id", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "member"], name="mark_sheet_once"),
        ]

    def __str__(self) -> str:
        return f"Marks of {self.member} for {self.tender.reference}"


# The financial stage: invitations to match L1 and their replies, the award, the contract ----


class MatchInvitation(models.Model):
    """An invitation to a bidder to match L1, issued by an officer in the order the engine's
    rounds give on the tender's latest evaluation (``awarding``): under the Make in India order
    (para 3A(c): the whole contract at the L1 price) or the MSE order (para 10: a share of the
    tendered value at the L1 price). Insert-only; the reply is a row of its own."""

    class Preference(models.TextChoices):
        MII = "mii_match_l1", _("Make in India: match L1 for the whole contract")
        MSE = "mse_match_l1", _("MSE purchase preference: match L1 for a share")

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="invitations")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="invitations")
    preference = models.CharField(max_length=20, choices=Preference.choices)
    evaluation = models.ForeignKey(
        "Comparison",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The evaluation whose rounds named this invitation.",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tender_id", "issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "bid", "preference"], name="match_invitation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.bid.bidder_name} to match L1"


class MatchInvitationReply(models.Model):
    """A bidder's reply to an invitation to match L1, as the officer records it: accepted or
    declined, and the date of the reply. Insert-only, one per invitation."""

    invitation = models.OneToOneField(
        MatchInvitation, on_delete=models.PROTECT, related_name="reply"
    )
    accepts = models.BooleanField()
    replied_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Reply to {self.invitation}"


class ContractSigning(models.Model):
    """The signing of a tender's contract with the awarded bidder, after the award's approval:
    the date signed and the contract's reference. Insert-only, once per tender."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="contract")
    award = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="contract")
    reference = models.CharField(max_length=120, help_text="The contract number on the file.")
    signed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Contract {self.reference}"


class AccountLanguage(models.Model):
    """The language a person chose with the switcher, so that every page they open, on any
    device, is in it (procurement.language). A preference, not a record: it is overwritten."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
