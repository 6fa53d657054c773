"""Representations of the officer's workflow for /api/v1/: they parse and validate shapes and
ranges, and render. Every business rule stays in ``procurement.services``.

Conventions: ``Meta.fields`` are allow-lists; a request naming a field the serializer does not
accept is refused field by field (``StrictSerializer``); related ids resolve only within the
caller's department (``DepartmentScopedPrimaryKeyRelatedField``); money and token counts travel
as decimal strings. The workload's fields are built from the table of the workload's fields, as
the form's are, so the page and the API accept the same values with the same messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.reverse import reverse as absolute_url

from config.api import RangedDecimalField, StrictDateField, StrictSerializer
from procurement import national, selectors, services, usage, workload_fields
from procurement.api.base import DepartmentScopedPrimaryKeyRelatedField
from procurement.engine import bounds
from procurement.models import (
    Comparison,
    Decision,
    JustificationDocument,
    PolicyPack,
    UsageReport,
    Workload,
)
from procurement.workload_fields import Field, InRange
from providers.models import Language

MAX_TEXT = 5_000


# Workloads ----------------------------------------------------------------------------------


def workload_serializer_field(row: Field) -> serializers.Field[Any, Any, Any, Any]:
    """The API field of one row of the table (text fields come from the model's columns)."""
    message = workload_fields.range_message(row)
    limits = workload_fields.closed_range(row)
    common: dict[str, Any] = {"help_text": workload_fields.help_text(row) or row.label}
    if row.optional:
        common.update(required=False, allow_null=True, default=None)
    elif not row.required:
        common.update(required=False, default=row.default)
    if row.kind in ("int", "decimal") and limits is not None:
        common.update(min_value=limits[0], max_value=limits[1])
        # Too many digits is out of range too, and is checked before any arithmetic on it.
        keys = ("min_value", "max_value", "max_digits", "max_whole_digits")
        common["error_messages"] = dict.fromkeys(keys, message)
    if row.kind == "int":
        return serializers.IntegerField(**common)
    if row.kind == "decimal":
        return RangedDecimalField(
            max_digits=workload_fields.max_digits(row), decimal_places=row.spec.places, **common
        )
    if row.kind == "date":
        # The schema states a range of whole years (a pattern); the validator the exact one.
        years = None
        if limits is not None:
            first, last = limits
            if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
                years = (first.year, last.year)
        return StrictDateField(years=years, validators=[InRange(row.name)], **common)
    if row.kind == "bool":
        return serializers.BooleanField(**common)
    if row.kind == "choice":
        if row.optional:
            # No method is written "" (the policy's default), as the model stores it.
            common.update(allow_null=False, default="", allow_blank=True)
        return serializers.ChoiceField(choices=workload_fields.choices(row), **common)
    assert row.kind == "choices" and limits is not None, row.name
    child: serializers.Field[Any, Any, Any, Any]
    if row.spec.labels is None:
        child = serializers.RegexField(
            r"^[a-z]{2}$",
            error_messages={"invalid": gettext_lazy("Use a two-letter ISO 639-1 code, e.g. hi.")},
        )
    else:
        child = serializers.ChoiceField(choices=workload_fields.choices(row))
    return serializers.ListField(
        child=child,
        min_length=limits[0],
        max_length=limits[1],
        error_messages={"min_length": message, "max_length": message, "empty": message},
        **common,
    )


class WorkloadSerializer(StrictSerializer, serializers.ModelSerializer[Workload]):
    """A workload, in the fields and units of the workload form. A request may set only the
    writable fields; the server sets the others."""

    url = serializers.HyperlinkedIdentityField(view_name="api:workload-detail")
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = Workload
        fields = (
            "id",
            "url",
            "status",
            *workload_fields.FIELD_NAMES,
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("status", "created_at", "updated_at")

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields: dict[str, serializers.Field[Any, Any, Any, Any]] = super().get_fields()
        for row in workload_fields.fields():
            if row.kind != "text":
                fields[row.name] = workload_serializer_field(row)
        return fields

    def get_created_by(self, obj: Workload) -> str:
        return obj.created_by.get_username()

    def validate_languages(self, value: list[str]) -> list[str]:
        known = set(Language.objects.filter(code__in=value).values_list("code", flat=True))
        unknown = set(value) - known
        if unknown:
            raise serializers.ValidationError(
                _("Unknown language code(s): %(codes)s. See the languages of /api/v1/offerings/.")
                % {"codes": ", ".join(sorted(unknown))}
            )
        return value

    def values(
        self, base: workload_fields.WorkloadValues | None = None
    ) -> workload_fields.WorkloadValues:
        """The validated fields as the typed values services take (a partial update keeps
        ``base``'s other values)."""
        return workload_fields.values_from(self.validated_data, base=base)


# Policy packs -------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.URI)
class PolicyPackURLField(serializers.Field[PolicyPack, Any, str, Any]):
    """The pack version's API URL, /api/v1/policy-packs/{slug}/{version}/."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, pack: PolicyPack) -> str:
        path = reverse("api:policy-pack-detail", args=[pack.slug, pack.version])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class PolicyPackRefSerializer(serializers.Serializer[PolicyPack]):
    slug = serializers.SlugField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    url = PolicyPackURLField()


class PolicyPackSerializer(serializers.ModelSerializer[PolicyPack]):
    url = PolicyPackURLField()

    class Meta:
        model = PolicyPack
        fields: tuple[str, ...] = (
            "slug",
            "version",
            "url",
            "title",
            "status",
            "effective_from",
            "change_note",
            "created_at",
            "published_at",
        )


class PolicyPackDetailSerializer(PolicyPackSerializer):
    document = serializers.JSONField(
        read_only=True,
        help_text=gettext_lazy("The policy in the engine's JSON format, with its citations."),
    )

    class Meta(PolicyPackSerializer.Meta):
        fields = (*PolicyPackSerializer.Meta.fields, "document")


# Comparisons --------------------------------------------------------------------------------


class ComparisonCreateSerializer(StrictSerializer):
    """Which workload to compare, and on which date's rules and prices."""

    workload = DepartmentScopedPrimaryKeyRelatedField(
        queryset=Workload.objects.all(), help_text=gettext_lazy("A workload of your department.")
    )
    decision_date = StrictDateField(
        required=False,
        help_text=gettext_lazy("The date the rules and prices are taken at (default: today)."),
    )
    match_declines = serializers.ListField(
        child=serializers.CharField(min_length=1, max_length=200, trim_whitespace=False),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "Offer ids of Class-I suppliers assumed to decline an invitation to match L1 "
            "(Make in India Order para 3A(c)); every other invited supplier is assumed to accept."
        ),
    )

    def validate_decision_date(self, value: Any) -> Any:
        dates = bounds.PLANNING_DATES
        if not dates.contains(value):
            raise serializers.ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": dates.earliest.isoformat(), "latest": dates.latest.isoformat()}
            )
        return value


class ComparisonSerializer(serializers.Serializer[Comparison]):
    """A comparison's summary: the fields below describe it (in the OpenAPI schema) and format
    its values; ``comparison_summary()`` writes it, for lists and details alike."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:comparison-detail")
    snapshot_url = serializers.HyperlinkedIdentityField(
        view_name="api:comparison-snapshot",
        help_text=gettext_lazy(
            "The stored snapshot: every input and the results, as canonical JSON."
        ),
    )
    workload = serializers.IntegerField(source="workload_id", read_only=True)
    workload_title = serializers.CharField(source="workload.title", read_only=True)
    policy_pack = PolicyPackRefSerializer(read_only=True)
    decision_date = serializers.DateField(read_only=True)
    fingerprint = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy(
            "SHA-256 of the snapshot's canonical JSON without its fingerprint key; "
            "printed on every page of the justification PDF."
        ),
    )
    engine_version = serializers.CharField(read_only=True)
    offer_count = serializers.IntegerField(read_only=True)
    eligible_count = serializers.IntegerField(read_only=True)
    recommended_offer_id = serializers.CharField(
        read_only=True, help_text=gettext_lazy("Empty when no offer passed every rule.")
    )
    recommended_name = serializers.CharField(read_only=True)
    recommended_total_inr = serializers.DecimalField(
        max_digits=30, decimal_places=2, read_only=True, allow_null=True
    )
    mechanism = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy("How the award was made, e.g. l1 or transition_premium."),
    )
    uses_demo_data = serializers.BooleanField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance: Comparison) -> dict[str, Any]:
        values = selectors.comparison_summary_values(instance)
        return comparison_summary(values, self.context.get("request"))


def comparison_summary(values: Mapping[str, Any], request: Request | None) -> dict[str, Any]:
    """A comparison's summary from its ``selectors.SUMMARY_COLUMNS`` values.

    Written without instantiating the serializer, whose fields are copied anew on every use:
    the comparison detail, on the API's hot path, calls this directly. The declared fields of
    ``ComparisonSerializer`` format the values, so both give the same text.
    """
    fields = ComparisonSerializer._declared_fields

    def url(name: str, *args: Any) -> str:
        path = reverse(name, args=args)
        return request.build_absolute_uri(path) if request is not None else path

    def formatted(name: str, value: Any) -> Any:
        return None if value is None else fields[name].to_representation(value)

    pk = values["id"]
    slug, version = values["policy_pack__slug"], values["policy_pack__version"]
    return {
        "id": pk,
        "url": url("api:comparison-detail", pk),
        "snapshot_url": url("api:comparison-snapshot", pk),
        "workload": values["workload_id"],
        "workload_title": values["workload__title"],
        "policy_pack": {
            "slug": slug,
            "version": version,
            "url": url("api:policy-pack-detail", slug, version),
        },
        "decision_date": formatted("decision_date", values["decision_date"]),
        "fingerprint": values["fingerprint"],
        "engine_version": values["engine_version"],
        "offer_count": values["offer_count"],
        "eligible_count": values["eligible_count"],
        "recommended_offer_id": values["recommended_offer_id"],
        "recommended_name": values["recommended_name"],
        "recommended_total_inr": formatted(
            "recommended_total_inr", values["recommended_total_inr"]
        ),
        "mechanism": values["mechanism"],
        "uses_demo_data": values["uses_demo_data"],
        "created_by": values["created_by__username"],
        "created_at": formatted("created_at", values["created_at"]),
    }


class ComparisonDetailSerializer(ComparisonSerializer):
    """The summary and the engine's results. The API writes the results exactly as they were
    stored at insert (``ComparisonResults``), without parsing them (in English; for a reader
    in Hindi, selectors.reader_results_json); this class documents it."""

    results = serializers.JSONField(
        read_only=True,
        help_text=gettext_lazy(
            "The engine's results exactly as stored: eligibility of every offer with "
            "reasons and citations, TCO by year, the recommendation, preferences and "
            "sensitivity. Schema: `results` in docs/snapshot.schema.json. With "
            "`Accept-Language: hi` the sentences (messages, explanation, statements) are in "
            "Hindi, recomputed from the snapshot; every figure, code and id is as stored."
        ),
    )


# Decisions ----------------------------------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    url = serializers.HyperlinkedIdentityField(view_name="api:decision-detail")
    proposed_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = (
            "id",
            "url",
            "comparison",
            "offer_id",
            "offer_name",
            "follows_recommendation",
            "reason",
            "restricted",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
        )
        read_only_fields = fields

    def get_proposed_by(self, obj: Decision) -> str:
        return obj.proposed_by.get_username()

    def get_decided_by(self, obj: Decision) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None


class DecisionProposeSerializer(StrictSerializer):
    """The award an officer proposes."""

    comparison = DepartmentScopedPrimaryKeyRelatedField(
        queryset=Comparison.objects.defer("snapshot"),
        help_text=gettext_lazy("A comparison of your department."),
    )
    offer_id = serializers.CharField(
        max_length=120, help_text=gettext_lazy("The offer to award: one that passed every rule.")
    )
    reason = serializers.CharField(
        max_length=MAX_TEXT,
        allow_blank=True,
        required=False,
        default="",
        help_text=gettext_lazy(
            "Required when the award departs from the recommendation; it goes on file."
        ),
    )
    restricted = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy(
            "Count this award in the national totals only (e.g. security): the public "
            "figures never show it by sector, use case, buyer type or ministry. Left out: true for "
            "a department of a restricted sector (defence and security), false otherwise."
        ),
    )


class DecisionReviewSerializer(StrictSerializer):
    """An approver's note on approving or returning a proposal."""

    note = serializers.CharField(
        max_length=MAX_TEXT,
        allow_blank=True,
        required=False,
        default="",
        help_text=gettext_lazy("Required to return a proposal; optional to approve it."),
    )


class PingSerializer(serializers.Serializer[Any]):
    user = serializers.CharField(
        help_text=gettext_lazy("The caller's user name (`api-<prefix>` for a key).")
    )
    department = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("The caller's department.")
    )
    api_key = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("The name of the key used, or null for a session.")
    )


# Justification documents ------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer[JustificationDocument]):
    """A justification document: its rendering status, and where to download it once ready."""

    status_url = serializers.HyperlinkedIdentityField(
        view_name="api:document-detail",
        help_text=gettext_lazy("Poll this until `status` is ready or failed."),
    )
    download_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("The PDF, once `status` is ready (null before).")
    )
    comparison = serializers.IntegerField(source="comparison_id", read_only=True)
    fingerprint = serializers.CharField(
        source="comparison.fingerprint",
        read_only=True,
        help_text=gettext_lazy("The comparison's fingerprint, printed in every footer of the PDF."),
    )
    final = serializers.BooleanField(
        read_only=True,
        help_text=gettext_lazy(
            "The final file note, requested once the award was approved (the approval "
            "requests it); false for a draft, which a ready final version supersedes."
        ),
    )
    kind = serializers.ChoiceField(
        choices=JustificationDocument.Kind.choices,
        read_only=True,
        help_text=gettext_lazy(
            "file_note: the pre-tender file note of the comparison; bid_document: the "
            "bid document of a tender (its comparison is the tender's planning comparison)."
        ),
    )
    tender = serializers.IntegerField(
        source="tender_id",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The tender of a bid document; null for a file note."),
    )

    class Meta:
        model = JustificationDocument
        fields = (
            "id",
            "status_url",
            "status",
            "error",
            "kind",
            "comparison",
            "tender",
            "fingerprint",
            "final",
            "language",
            "sha256",
            "size",
            "download_url",
            "requested_at",
            "finished_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, document: JustificationDocument) -> str | None:
        if document.status != JustificationDocument.Status.READY:
            return None
        request = self.context.get("request")
        url: str = absolute_url("api:document-pdf", args=[document.pk], request=request)
        return url


# Awards and what they served -------------------------------------------------------------------


class AwardSerializer(serializers.ModelSerializer[Decision]):
    """An approved award, with its contract's dates: what a department's system reports usage
    against."""

    url = serializers.HyperlinkedIdentityField(view_name="api:award-detail")
    usage_url = serializers.HyperlinkedIdentityField(
        view_name="api:award-usage",
        help_text=gettext_lazy("GET: the award's usage reports; POST: report a quarter."),
    )
    workload = serializers.CharField(
        source="comparison.workload.title",
        read_only=True,
        help_text=gettext_lazy("The workload's title."),
    )
    contract_start = serializers.SerializerMethodField(
        help_text=gettext_lazy("The contract's first day.")
    )
    contract_end = serializers.SerializerMethodField(
        help_text=gettext_lazy("The contract's last day.")
    )

    class Meta:
        model = Decision
        fields = (
            "id",
            "url",
            "usage_url",
            "comparison",
            "workload",
            "offer_id",
            "offer_name",
            "restricted",
            "decided_at",
            "contract_start",
            "contract_end",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATE)
    def get_contract_start(self, decision: Decision) -> str:
        return usage.contract_period(decision)[0].isoformat()

    @extend_schema_field(OpenApiTypes.DATE)
    def get_contract_end(self, decision: Decision) -> str:
        return (usage.contract_period(decision)[1] - dt.timedelta(days=1)).isoformat()


class UsageReportSerializer(serializers.ModelSerializer[UsageReport]):
    """One report of what an award served in a quarter; a correction names the report it
    corrects (the latest report of a quarter is the one that counts)."""

    award = serializers.IntegerField(source="decision_id", read_only=True)
    corrects = serializers.IntegerField(
        source="corrects_id",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The earlier report of the same quarter this one corrects, if any."),
    )
    reported_by = serializers.SerializerMethodField()

    class Meta:
        model = UsageReport
        fields = (
            "id",
            "award",
            "quarter",
            "requests",
            "input_tokens",
            "output_tokens",
            "invoiced_inr",
            "note",
            "source",
            "corrects",
            "reported_by",
            "reported_at",
        )
        read_only_fields = fields

    def get_reported_by(self, report: UsageReport) -> str:
        return report.reported_by.get_username()


class UsageReportCreateSerializer(StrictSerializer):
    """What an award served in one quarter. A second report of a quarter corrects the first
    and needs a `note` saying why."""

    quarter = serializers.RegexField(
        national.QUARTER_PATTERN,
        max_length=7,
        help_text=gettext_lazy(
            "The quarter served, e.g. 2026-Q3 (July to September 2026): one that has "
            "begun, within the contract."
        ),
        error_messages={
            "invalid": gettext_lazy(
                "Write the quarter as YYYY-Qn, e.g. 2026-Q3 for July to September 2026."
            )
        },
    )
    requests = serializers.IntegerField(min_value=0, max_value=services.MAX_USAGE_COUNT)
    input_tokens = serializers.IntegerField(min_value=0, max_value=services.MAX_USAGE_COUNT)
    output_tokens = serializers.IntegerField(min_value=0, max_value=services.MAX_USAGE_COUNT)
    invoiced_inr = RangedDecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=bounds.MAX_MONEY,
        help_text=gettext_lazy(
            'Rupees invoiced for the quarter, as a decimal string, e.g. "1250000.00".'
        ),
    )
    note = serializers.CharField(
        max_length=1_000,
        allow_blank=True,
        required=False,
        default="",
        help_text=gettext_lazy("Required for a correction: why the figures change."),
    )
