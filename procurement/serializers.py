"""Representations of the officer's workflow for /api/v1/: they parse and validate shapes and
ranges, and render. Every business rule stays in ``procurement.services``.

Conventions: ``Meta.fields`` are allow-lists; a request naming a field the serializer does not
accept is refused field by field (``StrictSerializerMixin``); related ids resolve only within
the caller's department (``DepartmentScopedPrimaryKeyRelatedField``); money and token counts
travel as decimal strings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse as absolute_url

from procurement.forms import WorkloadForm
from procurement.models import Comparison, Decision, JustificationDocument, PolicyPack, Workload
from procurement.selectors import department_of
from procurement.services import WORKLOAD_FIELDS
from providers.models import Language

# The largest rupee amount the engine accepts, ₹9,99,99,99,99,999.99 (engine/validation.py).
MAX_MONEY = Decimal("999999999999.99")
# The engine's bound on mean tokens per request (procurement.engine.validation).
MAX_TOKENS = Decimal(10**9)
# Whole numbers are stored in 32-bit columns on PostgreSQL.
MAX_INT = 2_147_483_647
# Dates the product plans for: a contract start or a decision date outside them is a typo.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)
MAX_TEXT = 5_000
# The workload form's plain-words messages, so the API and the page say the same thing.
FORM_MESSAGES: dict[str, dict[str, str]] = WorkloadForm.Meta.error_messages


class StrictSerializerMixin:
    """Refuses request keys that are not writable fields, each with its own message, instead of
    ignoring them (a misspelt field silently dropped is a wrong record nobody notices)."""

    def to_internal_value(self, data: Any) -> Any:
        refused: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            fields = self.fields  # type: ignore[attr-defined]
            for name in data:
                field = fields.get(name)
                if field is None:
                    refused[str(name)] = ["Unknown field."]
                elif field.read_only:
                    refused[str(name)] = ["Read-only field: the server sets it."]
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as error:
            if refused and isinstance(error.detail, dict):
                raise serializers.ValidationError({**refused, **error.detail}) from None
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value


class StrictSerializer(StrictSerializerMixin, serializers.Serializer):
    """A request body whose keys must all be writable fields."""


class EmptyRequestSerializer(StrictSerializer):
    """For actions that take no body: any field sent is refused."""


class DepartmentScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id resolved only among the caller's department's rows.

    Another department's id is refused with the same message as an id that does not exist
    ("Invalid pk "7" - object does not exist."), so a request cannot learn that it exists.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("pk_field", serializers.IntegerField(min_value=1))
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Model]:
        department = department_of(self.context["request"].user)
        queryset = super().get_queryset()
        return queryset.filter(department=department) if department else queryset.none()


# Workloads ----------------------------------------------------------------------------------


class WorkloadSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A workload, in the fields and units of the workload form. A request may set only the
    writable fields; the server sets the others."""

    url = serializers.HyperlinkedIdentityField(view_name="api:workload-detail")
    languages = serializers.ListField(
        child=serializers.RegexField(
            r"^[a-z]{2}$", error_messages={"invalid": "Use a two-letter ISO 639-1 code, e.g. hi."}
        ),
        min_length=1,
        max_length=50,
        help_text='ISO 639-1 codes of languages the catalogue knows, e.g. ["en", "hi"].',
    )
    data_classification = serializers.ListField(
        child=serializers.ChoiceField(choices=Workload.Classification.choices),
        min_length=1,
        max_length=len(Workload.Classification.choices),
        help_text="Every kind of data the AI will see; the strictest decides where it may run.",
    )
    description = serializers.CharField(
        max_length=MAX_TEXT, allow_blank=True, required=False, default=""
    )
    requests_per_day = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        error_messages=FORM_MESSAGES["requests_per_day"],
        help_text="Requests (question and answer) a day in year 1.",
    )
    mean_input_tokens = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_TOKENS,
        error_messages=FORM_MESSAGES["mean_input_tokens"],
    )
    mean_output_tokens = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_TOKENS,
        error_messages=FORM_MESSAGES["mean_output_tokens"],
    )
    max_p95_latency_ms = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, allow_null=True, required=False, default=None
    )
    estimated_value_inr = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_MONEY,
        allow_null=True,
        required=False,
        default=None,
        help_text="Leave null and the engine derives it, and says how.",
    )
    start_date = serializers.DateField(help_text="The first day of the contract.")
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = Workload
        fields = (
            "id",
            "url",
            "status",
            *WORKLOAD_FIELDS,
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("status", "created_at", "updated_at")
        extra_kwargs = {
            name: {"error_messages": messages}
            for name, messages in FORM_MESSAGES.items()
            if name not in ("requests_per_day", "mean_input_tokens", "mean_output_tokens")
        }

    def get_created_by(self, obj: Workload) -> str:
        return obj.created_by.get_username()

    def validate_languages(self, value: list[str]) -> list[str]:
        unknown = set(value) - set(
            Language.objects.filter(code__in=value).values_list("code", flat=True)
        )
        if unknown:
            raise serializers.ValidationError(
                f"Unknown language code(s): {', '.join(sorted(unknown))}. "
                "See the languages of /api/v1/offerings/."
            )
        return value

    def validate_start_date(self, value: dt.date) -> dt.date:
        return _date_in_range(value)


def _date_in_range(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(
            f"Enter a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
        )
    return value


# Policy packs -------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.URI)
class PolicyPackURLField(serializers.Field):
    """The pack version's API URL, /api/v1/policy-packs/{slug}/{version}/."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, pack: PolicyPack) -> str:
        path = reverse("api:policy-pack-detail", args=[pack.slug, pack.version])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class PolicyPackRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    url = PolicyPackURLField()


class PolicyPackSerializer(serializers.ModelSerializer):
    url = PolicyPackURLField()

    class Meta:
        model = PolicyPack
        fields = (
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
        read_only=True, help_text="The policy in the engine's JSON format, with its citations."
    )

    class Meta(PolicyPackSerializer.Meta):
        fields = (*PolicyPackSerializer.Meta.fields, "document")


# Comparisons --------------------------------------------------------------------------------


class ComparisonCreateSerializer(StrictSerializer):
    """Which workload to compare, and on which date's rules and prices."""

    workload = DepartmentScopedPrimaryKeyRelatedField(
        queryset=Workload.objects.all(), help_text="A workload of your department."
    )
    decision_date = serializers.DateField(
        required=False, help_text="The date the rules and prices are taken at (default: today)."
    )

    def validate_decision_date(self, value: dt.date) -> dt.date:
        return _date_in_range(value)


class ComparisonSerializer(serializers.Serializer):
    """A comparison's summary. Declared field by field rather than as a ModelSerializer, which
    rebuilds its fields from the model on every request: this is on the detail's hot path."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:comparison-detail")
    snapshot_url = serializers.HyperlinkedIdentityField(
        view_name="api:comparison-snapshot",
        help_text="The stored snapshot: every input and the results, as canonical JSON.",
    )
    workload = serializers.IntegerField(source="workload_id", read_only=True)
    workload_title = serializers.CharField(source="workload.title", read_only=True)
    policy_pack = PolicyPackRefSerializer(read_only=True)
    decision_date = serializers.DateField(read_only=True)
    fingerprint = serializers.CharField(
        read_only=True,
        help_text="SHA-256 of the snapshot's canonical JSON without its fingerprint key; "
        "printed on every page of the justification PDF.",
    )
    engine_version = serializers.CharField(read_only=True)
    offer_count = serializers.IntegerField(read_only=True)
    eligible_count = serializers.IntegerField(read_only=True)
    recommended_offer_id = serializers.CharField(
        read_only=True, help_text="Empty when no offer passed every rule."
    )
    recommended_name = serializers.CharField(read_only=True)
    recommended_total_inr = serializers.DecimalField(
        max_digits=18, decimal_places=2, read_only=True, allow_null=True
    )
    mechanism = serializers.CharField(
        read_only=True, help_text="How the award was made, e.g. l1 or transition_premium."
    )
    uses_demo_data = serializers.BooleanField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ComparisonDetailSerializer(ComparisonSerializer):
    """The summary and the engine's results, as stored in the snapshot. The API builds this
    answer from the summary and the results' stored text (``snapshot_results``) without parsing
    the snapshot; this class documents it."""

    results = serializers.JSONField(
        read_only=True,
        help_text="The engine's results exactly as stored: eligibility of every offer with "
        "reasons and citations, TCO by year, the recommendation, preferences and "
        "sensitivity. Schema: `results` in docs/snapshot.schema.json.",
    )


_RESULTS_KEY = b'"results":'
_SNAPSHOT_TAIL = re.compile(rb',"snapshot_version":[0-9]+\}\Z')


def snapshot_results(snapshot: bytes) -> bytes:
    """The JSON of the ``results`` of a snapshot given as UTF-8 bytes.

    A stored snapshot is canonical JSON (sorted keys, no spaces):
    ``{"engine_version":…,"fingerprint":…,"inputs":{…},"results":{…},"snapshot_version":N}``.
    No object of the snapshot schema (docs/snapshot.schema.json) has free-form keys and quotes
    inside strings are escaped, so the first ``"results":`` is the top-level key and the results
    run to the ``snapshot_version`` that closes the document: they are sliced out without being
    decoded, parsed or encoded. A snapshot in any other layout is parsed.
    """
    start = snapshot.find(_RESULTS_KEY)
    end = _SNAPSHOT_TAIL.search(snapshot, max(0, len(snapshot) - 40))
    if start >= 0 and end is not None and snapshot.startswith(b"{", start + len(_RESULTS_KEY)):
        return snapshot[start + len(_RESULTS_KEY) : end.start()]
    results = json.loads(snapshot)["results"]
    return json.dumps(results, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# Decisions ----------------------------------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer):
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
        queryset=Comparison.objects.defer("snapshot"), help_text="A comparison of your department."
    )
    offer_id = serializers.CharField(
        max_length=120, help_text="The offer to award: one that passed every rule."
    )
    reason = serializers.CharField(
        max_length=MAX_TEXT,
        allow_blank=True,
        required=False,
        default="",
        help_text="Required when the award departs from the recommendation; it goes on file.",
    )


class DecisionReviewSerializer(StrictSerializer):
    """An approver's note on approving or returning a proposal."""

    note = serializers.CharField(
        max_length=MAX_TEXT,
        allow_blank=True,
        required=False,
        default="",
        help_text="Required to return a proposal; optional to approve it.",
    )


class PingSerializer(serializers.Serializer):
    user = serializers.CharField(help_text="The caller's user name (`api-<prefix>` for a key).")
    department = serializers.CharField(allow_null=True, help_text="The caller's department.")
    api_key = serializers.CharField(
        allow_null=True, help_text="The name of the key used, or null for a session."
    )


# Errors (documentation of the error bodies) --------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in plain words.")


class ThrottledSerializer(ErrorSerializer):
    retry_after = serializers.IntegerField(
        help_text="Seconds to wait before the next request (also in the Retry-After header)."
    )


# Justification documents ------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    """A justification document: its rendering status, and where to download it once ready."""

    status_url = serializers.HyperlinkedIdentityField(
        view_name="api:document-detail", help_text="Poll this until `status` is ready or failed."
    )
    download_url = serializers.SerializerMethodField(
        help_text="The PDF, once `status` is ready (null before)."
    )
    comparison = serializers.IntegerField(source="comparison_id", read_only=True)
    fingerprint = serializers.CharField(
        source="comparison.fingerprint",
        read_only=True,
        help_text="The comparison's fingerprint, printed in every footer of the PDF.",
    )

    class Meta:
        model = JustificationDocument
        fields = (
            "id",
            "status_url",
            "status",
            "error",
            "comparison",
            "fingerprint",
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
        return absolute_url("api:document-pdf", args=[document.pk], request=request)
