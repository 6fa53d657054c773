"""The community's API, /api/v1/community/: the public directory of evaluators, the benchmarks
and evaluations a catalogue steward accepted; for the community's members signed in, submitting
evaluations, benchmarks and measurements, and listing their own submissions with their review.

Who may do what is the pages' rule (``procurement.community_views``): an evaluator
organisation's member registers benchmarks and submits evaluations for their own organisation
only (the services take the organisation from the membership; no body names one), a
practitioner publishes measurements. Anyone else gets a 403 in plain words before the body is
read — a department's API key too, whose service account belongs to no community organisation.

A submission is read by the page's own form (``procurement.forms``), so the API takes the same
fields by name and answers the same messages, each under its field's name, and a service's
refusal the same way. The request shapes the schema shows are built from those forms' fields
(``form_serializer``), so they cannot drift from what is parsed. What a form would silently
ignore is refused instead, as ``config.api.StrictSerializer`` refuses it: a field it does not
have, a field given twice, a JSON value of another type.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar, cast

from django import forms
from django.contrib.auth.models import User as Account
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, generics, mixins, permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import NON_FIELD, ErrorSerializer, json_type_error, page_of
from procurement import community, selectors
from procurement.community import BenchmarkValues
from procurement.forms import BenchmarkForm, EvaluationForm, MeasurementForm
from procurement.models import Accreditation, Benchmark, EvaluationSubmission, Measurement
from providers.models import Evaluator, Offering

HOST = "https://procure.example.gov.in"
F = TypeVar("F", bound=forms.Form)
T = TypeVar("T")


# Who may submit -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Role:
    """Who may make one kind of request: the permission their group gives (if any), the
    community record they act through (their evaluator organisation, their contributor record),
    and what anyone else is told."""

    permission: str | None
    record: Callable[[selectors.User], object | None]
    refusal: StrOrPromise

    def held_by(self, user: selectors.User) -> bool:
        if not isinstance(user, Account):
            return False
        allowed = self.permission is None or user.has_perm(self.permission)
        return allowed and self.record(user) is not None


def _community_record(user: selectors.User) -> object | None:
    return selectors.evaluator_of(user) or selectors.contributor_of(user)


EVALUATIONS = Role(
    "procurement.add_evaluationsubmission",
    selectors.evaluator_of,
    gettext_lazy("Only members of an evaluator organisation submit evaluations."),
)
BENCHMARKS = Role(
    "procurement.add_benchmark",
    selectors.evaluator_of,
    gettext_lazy("Only members of an evaluator organisation register benchmarks."),
)
MEASUREMENTS = Role(
    "procurement.add_measurement",
    selectors.contributor_of,
    gettext_lazy("Only registered practitioners publish measurements."),
)
SUBMISSIONS = Role(
    None,
    _community_record,
    gettext_lazy("Only evaluators' members, practitioners and domain experts have submissions."),
)


class CommunityRole(permissions.IsAuthenticated):
    """Signed in (else a 401) and holding the view's ``role`` (else a 403 in the role's words),
    checked before the body is read. The services check the same again; this answers sooner."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        assert isinstance(view, CommunityView) and view.role is not None
        self.message = view.role.refusal
        return view.role.held_by(request.user)


class CommunityView(generics.GenericAPIView[Any]):
    """A community route: its ``public_methods`` open to anyone, every other method to the
    holders of its ``role`` (a route without one is public). Lists take no filter or ordering,
    only ``page``."""

    public_methods: tuple[str, ...] = ()
    role: Role | None = None
    filter_backends: list[type[Any]] = []

    def get_permissions(self) -> list[permissions.BasePermission]:
        # Read by the schema too: a public method documents no 403.
        if self.role is None or self.request.method in self.public_methods:
            return [permissions.AllowAny()]
        return [CommunityRole()]

    def created(self, body: dict[str, Any]) -> Response:
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["page"]})


PUBLIC_READS = ("GET", "HEAD", "OPTIONS")


# Request bodies: the pages' forms -------------------------------------------------------------

# What a field whose choices its form reads from the database takes (the schema's words).
CHOSEN_FROM = {
    "offering": gettext_lazy("The offer's slug, as /api/v1/offerings/ lists it."),
    "language": gettext_lazy("A language's code, e.g. hi."),
    "languages": gettext_lazy("Language codes, e.g. hi and en."),
    "benchmark": gettext_lazy(
        "The id of a benchmark a catalogue steward has accepted (/api/v1/community/benchmarks/)."
    ),
}


def _api_field(name: str, field: forms.Field) -> serializers.Field[Any, Any, Any, Any]:
    """The API field of one form field: its JSON type, limits and words, for the schema and
    for refusing a JSON value of another type; the form does the checking. Its words stay lazy
    (built at import), so the schema is in the reader's language."""
    label = field.label if field.label is not None else name
    # A form's texts are lazy: only an empty plain string is left out, none is read here.
    words = [w for w in (field.help_text, CHOSEN_FROM.get(name, "")) if not isinstance(w, str) or w]
    help_text: StrOrPromise = label
    if words:
        help_text = format_lazy("{}: " + " ".join("{}" for _word in words), label, *words)
    common: dict[str, Any] = {"required": field.required, "help_text": help_text}
    if isinstance(field, forms.FileField):
        return serializers.FileField(**common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
            min_value=_limit(field.min_value),
            max_value=_limit(field.max_value),
            allow_null=not field.required,
            **common,
        )
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(
            min_value=_whole(field.min_value),
            max_value=_whole(field.max_value),
            allow_null=not field.required,
            **common,
        )
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.ListField(child=_choice(field), **common)
    if isinstance(field, forms.ChoiceField):
        return _choice(field, **common)
    if isinstance(field, forms.URLField):
        return serializers.URLField(max_length=field.max_length, **common)
    if isinstance(field, forms.CharField):
        return serializers.CharField(
            max_length=field.max_length, allow_blank=not field.required, **common
        )
    raise TypeError(f"{name}: no API field for a {type(field).__name__}")


def _limit(value: object) -> Decimal | int | None:
    return value if isinstance(value, Decimal | int) else None


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _choice(field: forms.ChoiceField, **common: Any) -> serializers.Field[Any, Any, Any, Any]:
    # Choices read from the database (set in the form's __init__) are not the class's: a string.
    choices = list(cast(Iterable[Any], field.choices))
    if not choices:
        return serializers.CharField(**common)
    return serializers.ChoiceField(choices=choices, **common)


def form_serializer(form_class: type[forms.Form], name: str) -> type[serializers.Serializer[Any]]:
    """A serializer named ``name`` with the fields of ``form_class``: the request body the
    schema shows, built from the form that reads it."""
    fields = {key: _api_field(key, field) for key, field in form_class.base_fields.items()}
    return type(name, (serializers.Serializer,), {**fields, "__doc__": form_class.__doc__})


EvaluationUpload = form_serializer(EvaluationForm, "EvaluationUpload")
BenchmarkRegistration = form_serializer(BenchmarkForm, "BenchmarkRegistration")
MeasurementUpload = form_serializer(MeasurementForm, "MeasurementUpload")


def _refused(form: forms.Form) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        {
            NON_FIELD if name == NON_FIELD_ERRORS else name: [str(m) for m in messages]
            for name, messages in form.errors.items()
        }
    )


def parse(request: Request, form_class: type[F], shape: type[serializers.Serializer[Any]]) -> F:
    """The body read by the page's form: a 400 naming each field refused — unknown to the form,
    given twice, of another JSON type than ``shape`` gives it, or refused by the form."""
    data = request.data
    if not isinstance(data, Mapping):
        raise exceptions.ValidationError({NON_FIELD: [_("Send the fields as one JSON object.")]})
    fields = shape().fields
    refused: dict[str, Any] = {}
    for key in data:
        field = fields.get(key)
        if field is None:
            refused[str(key)] = [_("Unknown field.")]
        elif hasattr(data, "getlist") and len(data.getlist(key)) > 1:
            refused[str(key)] = [_("Give this field once.")]
        elif not hasattr(data, "getlist") and (problem := json_type_error(field, data[key])):
            refused[str(key)] = problem
    if refused:
        raise exceptions.ValidationError(refused)
    form = form_class(data, request.FILES)
    if not form.is_valid():
        raise _refused(form)
    return form


def submit(form: forms.Form, call: Callable[[], T]) -> T:
    """What ``call`` returns; a service's refusal is put on the form, under the fields it names
    (as the page shows it), and answered as a 400 by field."""
    try:
        return call()
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                if name in form.fields:
                    form.add_error(name, messages)
                else:
                    form.add_error(None, [f"{name}: {message}" for message in messages])
        else:
            form.add_error(None, error.messages)
        raise _refused(form) from None


# Responses ------------------------------------------------------------------------------------


def _page(request: Request | None, route: str, key: int | str) -> str:
    path = reverse(route, args=[key])
    return request.build_absolute_uri(path) if request is not None else path


class StatusMixin(serializers.Serializer[Any]):
    """A submission's state as its page shows it, read from its review (joined by the
    selectors' rows, so a list makes no query a row)."""

    status = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "submitted: awaiting a catalogue steward's review; accepted; returned (with "
            "the steward's reasons)."
        )
    )
    reasons = serializers.SerializerMethodField(
        help_text=gettext_lazy("Why a steward returned it; null unless returned.")
    )

    def get_status(self, submission: Any) -> str:
        return community.status_of(submission)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reasons(self, submission: Any) -> str | None:
        review = selectors.review_of(submission)
        return review.reasons if review is not None and review.outcome == "returned" else None


class OfferRefSerializer(serializers.ModelSerializer[Offering]):
    provider = serializers.CharField(
        source="provider.name", help_text=gettext_lazy("The provider's name.")
    )

    class Meta:
        model = Offering
        fields = ["slug", "name", "provider"]


class EvaluatorRefSerializer(serializers.ModelSerializer[Evaluator]):
    class Meta:
        model = Evaluator
        fields = ["slug", "name"]


class BenchmarkRefSerializer(serializers.ModelSerializer[Benchmark]):
    class Meta:
        model = Benchmark
        fields = ["id", "name", "version"]


class AccreditationSerializer(serializers.ModelSerializer[Accreditation]):
    class Meta:
        model = Accreditation
        fields = ["scheme", "use_cases", "languages", "granted_on", "expires_on"]

    use_cases = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("The use cases it covers (codes).")
    )
    languages = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("The languages it covers (codes).")
    )


class CommunityEvaluatorSerializer(serializers.ModelSerializer[Evaluator]):
    accreditations = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Its accreditations in force today: each a scope (use cases × languages) "
            "and a term. A score counts towards a quality bar only within one of them."
        )
    )
    accepted_evaluations = serializers.IntegerField(
        source="accepted", help_text=gettext_lazy("Evaluations of it a catalogue steward accepted.")
    )
    website = serializers.CharField(
        help_text=gettext_lazy("Its web site; empty when the catalogue has none.")
    )
    page = serializers.SerializerMethodField(help_text=gettext_lazy("Its page on the site."))

    class Meta:
        model = Evaluator
        fields = [
            "slug",
            "name",
            "website",
            "accredited",
            "accreditations",
            "accepted_evaluations",
            "page",
            "is_demo",
        ]

    @extend_schema_field(AccreditationSerializer(many=True))
    def get_accreditations(self, evaluator: Evaluator) -> list[dict[str, Any]]:
        today = self.context["today"]
        current = [
            a for a in evaluator.accreditations.all() if a.granted_on <= today <= a.expires_on
        ]
        return list(AccreditationSerializer(current, many=True).data)

    def get_page(self, evaluator: Evaluator) -> str:
        return _page(self.context.get("request"), "community_evaluator", evaluator.slug)


class CommunityEvaluationSerializer(StatusMixin, serializers.ModelSerializer[EvaluationSubmission]):
    offering = OfferRefSerializer()
    evaluator = EvaluatorRefSerializer()
    language = serializers.CharField(
        source="language_id", help_text=gettext_lazy("The language's code.")
    )
    benchmark = BenchmarkRefSerializer()
    evidence_sha256 = serializers.CharField(
        source="evidence.sha256",
        help_text=gettext_lazy("The SHA-256 of the evidence file, in hex."),
    )
    evidence_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("Where to download the evidence.")
    )
    item_results_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("Where to download the per-item results (JSON Lines).")
    )
    page = serializers.SerializerMethodField(help_text=gettext_lazy("Its page on the site."))

    class Meta:
        model = EvaluationSubmission
        fields = [
            "id",
            "status",
            "reasons",
            "offering",
            "evaluator",
            "model_snapshot",
            "use_case",
            "language",
            "benchmark",
            "method",
            "judge_model",
            "settings",
            "score",
            "recomputed_score",
            "ci_low",
            "ci_high",
            "interval_method",
            "items",
            "run_on",
            "valid_until",
            "has_ties",
            "ties",
            "evidence_sha256",
            "evidence_url",
            "item_results_sha256",
            "item_results_url",
            "page",
            "submitted_at",
            "is_demo",
        ]
        extra_kwargs = {
            "recomputed_score": {
                "help_text": gettext_lazy("The score recomputed from the per-item results.")
            },
            "ci_low": {
                "help_text": gettext_lazy(
                    # xgettext:no-python-format
                    "The 95 % interval of the recomputed score: its low end."
                )
            },
            "ci_high": {
                "help_text": gettext_lazy(
                    # xgettext:no-python-format
                    "The 95 % interval of the recomputed score: its high end."
                )
            },
            "interval_method": {
                "help_text": gettext_lazy("wilson (right or wrong items) or normal.")
            },
        }

    def get_evidence_url(self, submission: EvaluationSubmission) -> str:
        return _page(self.context.get("request"), "community_evidence", submission.pk)

    def get_item_results_url(self, submission: EvaluationSubmission) -> str:
        return _page(self.context.get("request"), "community_item_results", submission.pk)

    def get_page(self, submission: EvaluationSubmission) -> str:
        return _page(self.context.get("request"), "community_evaluation", submission.pk)


class BenchmarkSerializer(StatusMixin, serializers.ModelSerializer[Benchmark]):
    evaluator = EvaluatorRefSerializer()
    page = serializers.SerializerMethodField(help_text=gettext_lazy("Its page on the site."))

    class Meta:
        model = Benchmark
        fields = [
            "id",
            "status",
            "reasons",
            "name",
            "version",
            "description",
            "languages",
            "items",
            "licence",
            "url",
            "held_out",
            "evaluator",
            "page",
            "submitted_at",
            "is_demo",
        ]

    languages = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("The languages the test set covers (codes)."),
    )

    def get_page(self, benchmark: Benchmark) -> str:
        return _page(self.context.get("request"), "community_benchmark", benchmark.pk)


class MeasurementSerializer(StatusMixin, serializers.ModelSerializer[Measurement]):
    status = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "submitted: published on the offer's page as community-reported; accepted: "
            "its p95 latency promoted to the catalogue by a steward; returned: withdrawn, with the "
            "steward's reasons."
        )
    )
    offering = OfferRefSerializer()
    evidence_sha256 = serializers.CharField(
        source="evidence.sha256",
        help_text=gettext_lazy("The SHA-256 of the evidence file, in hex."),
    )
    evidence_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("Where to download the evidence.")
    )
    page = serializers.SerializerMethodField(help_text=gettext_lazy("Its page on the site."))

    class Meta:
        model = Measurement
        fields = [
            "id",
            "status",
            "reasons",
            "offering",
            "period_start",
            "period_end",
            "requests",
            "p50_latency_ms",
            "p95_latency_ms",
            "tokens_per_second",
            "availability_pct",
            "observed_inr_per_mtok",
            "method",
            "evidence_sha256",
            "evidence_url",
            "page",
            "submitted_at",
            "is_demo",
        ]

    def get_evidence_url(self, measurement: Measurement) -> str:
        return _page(self.context.get("request"), "community_measurement_evidence", measurement.pk)

    def get_page(self, measurement: Measurement) -> str:
        return _page(self.context.get("request"), "community_measurement", measurement.pk)


# The page of each kind of one's own submissions.
PAGES = {
    "evaluation": "community_evaluation",
    "benchmark": "community_benchmark",
    "measurement": "community_measurement",
    "domain_note": "community_domain_note",
}


class OwnSubmissionSerializer(StatusMixin, serializers.Serializer[Any]):
    kind = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "evaluation, benchmark (an evaluator organisation's), measurement or "
            "domain_note (the person's own)."
        )
    )
    id = serializers.IntegerField()
    title = serializers.CharField(source="__str__", help_text=gettext_lazy("What it is, in words."))
    submitted_at = serializers.DateTimeField()
    reviewed_at = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "When a steward accepted or returned it; null while it awaits review."
        )
    )
    page = serializers.SerializerMethodField(help_text=gettext_lazy("Its page on the site."))

    def get_kind(self, submission: Model) -> str:
        return community.KIND[type(submission)]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_reviewed_at(self, submission: Any) -> dt.datetime | None:
        review = selectors.review_of(submission)
        return review.reviewed_at if review is not None else None

    def get_page(self, submission: Model) -> str:
        kind = community.KIND[type(submission)]
        return _page(self.context.get("request"), PAGES[kind], submission.pk)


# Examples -------------------------------------------------------------------------------------

OFFER_REF = {
    "slug": "sarvam-deepseek-v4-flash",
    "name": "DeepSeek V4 Flash on Sarvam Token Factory",
    "provider": "Sarvam AI",
}
EVALUATOR_REF = {"slug": "indiceval-lab", "name": "IndicEval Lab"}
EVALUATOR_EXAMPLE = {
    **EVALUATOR_REF,
    "website": "https://indiceval.example.org",
    "accredited": True,
    "accreditations": [
        {
            "scheme": "MeitY AI evaluation accreditation, 2026",
            "use_cases": ["citizen_services", "health"],
            "languages": ["en", "hi", "ta"],
            "granted_on": "2026-04-01",
            "expires_on": "2027-03-31",
        }
    ],
    "accepted_evaluations": 12,
    "page": f"{HOST}/community/evaluators/indiceval-lab/",
    "is_demo": True,
}
EVALUATION_EXAMPLE = {
    "id": 41,
    "status": "accepted",
    "reasons": None,
    "offering": OFFER_REF,
    "evaluator": EVALUATOR_REF,
    "model_snapshot": "deepseek-v4-flash-2026-10",
    "use_case": "citizen_services",
    "language": "hi",
    "benchmark": {"id": 7, "name": "Citizen QA", "version": "2026.1"},
    "method": "exact_match",
    "judge_model": "",
    "settings": "Zero-shot, temperature 0, at most 512 output tokens.",
    "score": "82.00",
    "recomputed_score": "82.00",
    "ci_low": "73.34",
    "ci_high": "88.28",
    "interval_method": "wilson",
    "items": 100,
    "run_on": "2026-11-02",
    "valid_until": "2027-11-02",
    "has_ties": False,
    "ties": "",
    "evidence_sha256": "9f2c1a7e0b5d4c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f",
    "evidence_url": f"{HOST}/community/evaluations/41/evidence/",
    "item_results_sha256": "2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe",
    "item_results_url": f"{HOST}/community/evaluations/41/items.jsonl",
    "page": f"{HOST}/community/evaluations/41/",
    "submitted_at": "2026-11-03T10:12:40.118000+05:30",
    "is_demo": False,
}
SUBMITTED_EVALUATION_EXAMPLE = {**EVALUATION_EXAMPLE, "status": "submitted"}
EVALUATION_UPLOAD_EXAMPLE = {
    "offering": "sarvam-deepseek-v4-flash",
    "model_snapshot": "deepseek-v4-flash-2026-10",
    "use_case": "citizen_services",
    "language": "hi",
    "benchmark": "7",
    "method": "exact_match",
    "settings": "Zero-shot, temperature 0, at most 512 output tokens.",
    "score": "82.00",
    "run_on": "2026-11-02",
    "has_ties": "false",
    "evidence": "(the report: report.pdf)",
    "item_results": "(the per-item results: items.jsonl)",
}
BENCHMARK_REQUEST_EXAMPLE = {
    "name": "Citizen QA",
    "version": "2026.1",
    "description": "Questions citizens ask about central schemes, with reference answers.",
    "languages": ["en", "hi"],
    "items": 100,
    "licence": "CC BY 4.0",
    "url": "https://indiceval.example.org/citizen-qa",
    "held_out": True,
}
BENCHMARK_EXAMPLE = {
    "id": 7,
    "status": "submitted",
    "reasons": None,
    **BENCHMARK_REQUEST_EXAMPLE,
    "evaluator": EVALUATOR_REF,
    "page": f"{HOST}/community/benchmarks/7/",
    "submitted_at": "2026-10-20T15:02:11.500000+05:30",
    "is_demo": False,
}
MEASUREMENT_UPLOAD_EXAMPLE = {
    "offering": "sarvam-deepseek-v4-flash",
    "period_start": "2026-10-01",
    "period_end": "2026-10-31",
    "requests": "184000",
    "p50_latency_ms": "640",
    "p95_latency_ms": "1850",
    "availability_pct": "99.870",
    "method": "Client in Mumbai, the provider's Chennai region, our helpline's request mix.",
    "evidence": "(the measurement log: latency.csv)",
}
MEASUREMENT_EXAMPLE = {
    "id": 5,
    "status": "submitted",
    "reasons": None,
    "offering": OFFER_REF,
    "period_start": "2026-10-01",
    "period_end": "2026-10-31",
    "requests": 184000,
    "p50_latency_ms": 640,
    "p95_latency_ms": 1850,
    "tokens_per_second": None,
    "availability_pct": "99.870",
    "observed_inr_per_mtok": None,
    "method": "Client in Mumbai, the provider's Chennai region, our helpline's request mix.",
    "evidence_sha256": "e3b9c1d2a4f5061728394a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "evidence_url": f"{HOST}/community/measurements/5/evidence/",
    "page": f"{HOST}/community/measurements/5/",
    "submitted_at": "2026-11-04T09:30:00+05:30",
    "is_demo": False,
}
OWN_SUBMISSION_EXAMPLE = {
    "status": "returned",
    "reasons": "The settings do not say how many output tokens were allowed.",
    "kind": "evaluation",
    "id": 42,
    "title": "DeepSeek V4 Flash on Sarvam Token Factory — citizen_services/hi: 82.00",
    "submitted_at": "2026-11-03T10:12:40.118000+05:30",
    "reviewed_at": "2026-11-05T16:40:02.004000+05:30",
    "page": f"{HOST}/community/evaluations/42/",
}
MULTIPART = "multipart/form-data"
MULTIPART_415 = OpenApiResponse(
    ErrorSerializer,
    "The body is not `multipart/form-data`.",
    [OpenApiExample("JSON", {"detail": 'Unsupported media type "application/json" in request.'})],
)


def _refusal(role: Role) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        "The caller does not hold the role (a department's API key never does).",
        [OpenApiExample("Not a member", {"detail": role.refusal})],
    )


def _field_errors(example: dict[str, list[str]]) -> OpenApiResponse:
    return OpenApiResponse(
        {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "Bad input: messages by field, as the page's form gives them; nothing is stored.",
        [OpenApiExample("Field errors", example)],
    )


SESSION_NOTE = (
    " Sign in to the site and send the session cookie with the CSRF token "
    "(`X-CSRFToken`); a department's API key is refused (403): its account is no "
    "community member."
)


# Views ----------------------------------------------------------------------------------------


class EvaluatorListView(mixins.ListModelMixin, CommunityView):
    serializer_class = CommunityEvaluatorSerializer

    def get_queryset(self) -> Any:
        return selectors.evaluator_directory()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(
        operation_id="community_evaluators_list",
        summary="Evaluators and their accreditations (public)",
        description="Every evaluator organisation, with the accreditations it holds today — "
        "each a scope (use cases × languages) and its term — and how many of its evaluations "
        "a catalogue steward accepted.",
        examples=[OpenApiExample("A page", page_of(EVALUATOR_EXAMPLE), response_only=True)],
    )
    def get(self, request: Request) -> Response:
        return self.list(request)


class EvaluationListView(mixins.ListModelMixin, CommunityView):
    public_methods = PUBLIC_READS
    role = EVALUATIONS
    serializer_class = CommunityEvaluationSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> QuerySet[EvaluationSubmission]:
        return selectors.submission_rows().filter(review__outcome="accepted")

    @extend_schema(
        operation_id="community_evaluations_list",
        summary="Accepted evaluations (public)",
        description="The quality evaluations a catalogue steward accepted, newest first: the "
        "score stated and the score recomputed from the per-item results with its 95 % "
        "interval, the benchmark and method, the run date and how long the score stands, the "
        "evidence file's SHA-256 and where to download it. One awaiting review or returned "
        "is never listed.",
        examples=[OpenApiExample("A page", page_of(EVALUATION_EXAMPLE), response_only=True)],
    )
    def get(self, request: Request) -> Response:
        return self.list(request)

    @extend_schema(
        operation_id="community_evaluations_create",
        summary="Submit an evaluation for review (evaluator organisation member)",
        description="`multipart/form-data` with the evaluation form's fields by name, the "
        "evidence file (`evidence`: PDF, CSV or JSON, at most 10 MB) and the per-item results "
        '(`item_results`: JSON Lines, one `{"id": …, "score": 0..1}` a line). The product '
        "recomputes the score from the items and refuses one that disagrees; the evidence is "
        "checked before anything is stored. The evaluation is your organisation's; a catalogue "
        "steward reviews it." + SESSION_NOTE,
        request={MULTIPART: EvaluationUpload},
        responses={
            201: CommunityEvaluationSerializer,
            400: _field_errors(
                {
                    "score": [
                        "Score (0–100): The per-item results give 70.00 (95 % interval "
                        "60.42–78.13, 100 items), not the 82.00 stated: a score that disagrees "
                        "with its results is refused."
                    ],
                    "evidence": [
                        "Evidence file: report.pdf is a ZIP archive. Archives are not "
                        "accepted: upload the PDF, CSV or JSON file itself."
                    ],
                }
            ),
            403: _refusal(EVALUATIONS),
            415: MULTIPART_415,
        },
        examples=[
            OpenApiExample(
                "An evaluation",
                EVALUATION_UPLOAD_EXAMPLE,
                request_only=True,
                media_type=MULTIPART,
            ),
            OpenApiExample(
                "Submitted",
                SUBMITTED_EVALUATION_EXAMPLE,
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        form = parse(request, EvaluationForm, EvaluationUpload)
        submission = submit(
            form,
            lambda: community.evaluation_submit(
                user=request.user,
                values=form.values(),
                evidence=form.cleaned_data["evidence"],
                item_results=form.cleaned_data["item_results"],
            ),
        )
        return self.created(self.get_serializer(submission).data)


class BenchmarkListView(mixins.ListModelMixin, CommunityView):
    public_methods = PUBLIC_READS
    role = BENCHMARKS
    serializer_class = BenchmarkSerializer

    def get_queryset(self) -> QuerySet[Benchmark]:
        return selectors.benchmark_rows().filter(review__outcome="accepted")

    @extend_schema(
        operation_id="community_benchmarks_list",
        summary="Accepted benchmarks (public)",
        description="The benchmarks a catalogue steward accepted, which evaluations may name "
        "(by `id`).",
        examples=[
            OpenApiExample(
                "A page", page_of({**BENCHMARK_EXAMPLE, "status": "accepted"}), response_only=True
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return self.list(request)

    @extend_schema(
        operation_id="community_benchmarks_create",
        summary="Register a benchmark for review (evaluator organisation member)",
        description="The benchmark form's fields as a JSON object. Evaluations may name it once "
        "a catalogue steward accepts it." + SESSION_NOTE,
        request=BenchmarkRegistration,
        responses={
            201: BenchmarkSerializer,
            400: _field_errors(
                {
                    "version": [
                        "Version: Citizen QA 2026.1 is registered already: give a new version."
                    ]
                }
            ),
            403: _refusal(BENCHMARKS),
        },
        examples=[
            OpenApiExample("A benchmark", BENCHMARK_REQUEST_EXAMPLE, request_only=True),
            OpenApiExample(
                "Submitted", BENCHMARK_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        form = parse(request, BenchmarkForm, BenchmarkRegistration)
        values = BenchmarkValues(
            **{f.name: form.cleaned_data[f.name] for f in dataclasses.fields(BenchmarkValues)}
        )
        benchmark = submit(
            form, lambda: community.benchmark_register(user=request.user, values=values)
        )
        return self.created(self.get_serializer(benchmark).data)


class MeasurementCreateView(CommunityView):
    role = MEASUREMENTS
    serializer_class = MeasurementSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="community_measurements_create",
        summary="Publish a measurement of an offer in use (practitioner)",
        description="`multipart/form-data` with the measurement form's fields by name — the "
        "offer's slug, the period, the requests measured, at least one measure, how it was "
        "measured — and the evidence file (`evidence`: PDF, CSV or JSON, at most 10 MB). It is "
        "shown at once on the offer's page as community-reported; no gate reads it unless a "
        "catalogue steward promotes its p95 latency." + SESSION_NOTE,
        request={MULTIPART: MeasurementUpload},
        responses={
            201: MeasurementSerializer,
            400: _field_errors(
                {
                    "p50_latency_ms": [
                        "Median latency (p50), milliseconds: The median (p50) "
                        "cannot exceed the p95 latency."
                    ]
                }
            ),
            403: _refusal(MEASUREMENTS),
            415: MULTIPART_415,
        },
        examples=[
            OpenApiExample(
                "A month's latency",
                MEASUREMENT_UPLOAD_EXAMPLE,
                request_only=True,
                media_type=MULTIPART,
            ),
            OpenApiExample(
                "Published", MEASUREMENT_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        form = parse(request, MeasurementForm, MeasurementUpload)
        measurement = submit(
            form,
            lambda: community.measurement_submit(
                user=request.user, values=form.values(), evidence=form.cleaned_data["evidence"]
            ),
        )
        return self.created(self.get_serializer(measurement).data)


class SubmissionListView(mixins.ListModelMixin, CommunityView):
    role = SUBMISSIONS
    serializer_class = OwnSubmissionSerializer

    def get_queryset(self) -> Any:
        user = self.request.user
        evaluations, benchmarks = selectors.own_submissions(user)
        measurements, notes = selectors.own_contributions(user)
        rows: list[Any] = [*evaluations, *benchmarks, *measurements, *notes]
        return sorted(rows, key=lambda row: (row.submitted_at, row.pk), reverse=True)

    @extend_schema(
        operation_id="community_submissions_list",
        summary="Your submissions and their review (community members)",
        description="Newest first: your evaluator organisation's evaluations and benchmarks, "
        "whoever of its members submitted them, or the measurements and notes you published "
        "yourself; each with its status and, when returned, the steward's reasons. Never "
        "another organisation's." + SESSION_NOTE,
        responses={200: OwnSubmissionSerializer(many=True), 403: _refusal(SUBMISSIONS)},
        examples=[OpenApiExample("A page", page_of(OWN_SUBMISSION_EXAMPLE), response_only=True)],
    )
    def get(self, request: Request) -> Response:
        return self.list(request)
