"""The departments' REST API under /api/v1/: workloads, comparisons, decisions, policy packs.

Tenancy lives in one place: ``DepartmentScopedViewSet.get_queryset()`` keeps the caller's
department's rows only, for lists, retrieval, updates and every action, and subclasses cannot
override it. Related ids in a request body resolve within the caller's department
(``DepartmentScopedPrimaryKeyRelatedField``), so another department's id answers exactly as a
missing one. Creates go through ``procurement.services``, which take the department from the
caller, never from the request.

Every business write is one call to ``procurement.services``; its ``ValidationError`` becomes a
400 with field-level messages and its ``PermissionDenied`` a 403 (``api_exception_handler``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Func, Q, QuerySet, TextField
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from procurement import selectors, services
from procurement.models import (
    Comparison,
    Decision,
    DepartmentAPIKey,
    JustificationDocument,
    PolicyPack,
    Workload,
)
from procurement.serializers import (
    ComparisonCreateSerializer,
    ComparisonDetailSerializer,
    ComparisonSerializer,
    DecisionProposeSerializer,
    DecisionReviewSerializer,
    DecisionSerializer,
    DocumentSerializer,
    EmptyRequestSerializer,
    ErrorSerializer,
    PingSerializer,
    PolicyPackDetailSerializer,
    PolicyPackSerializer,
    ThrottledSerializer,
    WorkloadSerializer,
    snapshot_results,
)
from providers.models import QualityEvaluation

NON_FIELD = "non_field_errors"


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    """A one-item page of a list, for examples."""
    return {"count": 1, "next": None, "previous": None, "results": [item]}


# Errors ---------------------------------------------------------------------------------------


def field_errors(detail: Any, path: str = "") -> dict[str, list[str]]:
    """An error detail as ``{"field": ["message", …]}``; nested fields as ``languages[1]``.

    Errors that belong to no field are listed under ``non_field_errors``.
    """
    if isinstance(detail, dict):
        errors: dict[str, list[str]] = {}
        for key, value in detail.items():
            key = NON_FIELD if key in (NON_FIELD_ERRORS, NON_FIELD) and not path else str(key)
            name = f"{path}[{key}]" if path and key.isdigit() else f"{path}.{key}" if path else key
            errors.update(field_errors(value, name))
        return errors
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        errors = {}
        for index, item in enumerate(detail):
            errors.update(field_errors(item, f"{path}[{index}]"))
        return errors
    messages = detail if isinstance(detail, list) else [detail]
    return {path or NON_FIELD: [str(message) for message in messages]}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a service's ValidationError is a 400 with field-level messages, every
    400 lists its messages by field, and a 429 says in its body when to retry."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = field_errors(response.data)
    elif response.status_code == status.HTTP_400_BAD_REQUEST:
        # A body that is not JSON at all: still the one shape of every 400.
        response.data = {NON_FIELD: [str(response.data["detail"])]}
    elif isinstance(exc, exceptions.Throttled):
        response.data["retry_after"] = exc.wait
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for a URL no route matches: JSON under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


# The OpenAPI schema ---------------------------------------------------------------------------
# DRF imports APIAutoSchema (DEFAULT_SCHEMA_CLASS) from this module while the viewsets below are
# being decorated, so it is defined above them, and this module imports no module of viewsets.

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Messages by field; `non_field_errors` for those of no single field. A "
    "nested field is named like `languages[1]`.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERRORS = {
    "400": OpenApiResponse(
        VALIDATION_ERROR_SCHEMA,
        "Bad input: messages by field.",
        [
            OpenApiExample(
                "Field errors",
                {
                    "requests_per_day": ["Enter at least 1 request a day."],
                    "languages[1]": ["Use a two-letter ISO 639-1 code, e.g. hi."],
                    "colour": ["Unknown field."],
                },
            )
        ],
    ),
    "401": OpenApiResponse(
        ErrorSerializer,
        "No credentials, or a key that is not valid (`WWW-Authenticate: Api-Key`).",
        [OpenApiExample("No key", {"detail": "Authentication credentials were not provided."})],
    ),
    "403": OpenApiResponse(
        ErrorSerializer,
        "The caller's roles do not allow this (e.g. the proposer approving its own award).",
        [
            OpenApiExample(
                "Maker-checker",
                {"detail": "The officer who proposed an award cannot also approve it."},
            )
        ],
    ),
    "404": OpenApiResponse(
        ErrorSerializer,
        "No such object in your department (another department's answers the same), or no such "
        "page of a list.",
        [OpenApiExample("Missing", {"detail": "No Workload matches the given query."})],
    ),
    "415": OpenApiResponse(
        ErrorSerializer,
        "The body is not `application/json`.",
        [
            OpenApiExample(
                "Form data", {"detail": 'Unsupported media type "text/plain" in request.'}
            )
        ],
    ),
    "429": OpenApiResponse(
        ThrottledSerializer,
        "Too many requests: retry after `retry_after` seconds (also the Retry-After header).",
        [
            OpenApiExample(
                "Throttled",
                {
                    "detail": "Request was throttled. Expected available in 12 seconds.",
                    "retry_after": 12,
                },
            )
        ],
    ),
}


def _link(operation: str, description: str, **fields: Any) -> dict[str, Any]:
    return {"operationId": operation, "description": description, **fields}


BY_ID = {"id": "$response.body#/id"}
WORKFLOW_LINKS = {
    ("/api/v1/workloads/", "post", "201"): {
        "GetWorkload": _link("workloads_retrieve", "The workload saved.", parameters=BY_ID),
        "RunComparison": _link(
            "comparisons_create",
            "Compare the catalogue for it.",
            requestBody={"workload": "$response.body#/id"},
        ),
        "ArchiveWorkload": _link("workloads_archive", "Archive it.", parameters=BY_ID),
    },
    ("/api/v1/comparisons/", "post", "201"): {
        "GetComparison": _link("comparisons_retrieve", "The comparison.", parameters=BY_ID),
        "GetSnapshot": _link("comparisons_snapshot", "Its snapshot.", parameters=BY_ID),
        "ProposeRecommendation": _link(
            "decisions_create",
            "Propose the recommended offer.",
            requestBody={
                "comparison": "$response.body#/id",
                "offer_id": "$response.body#/recommended_offer_id",
            },
        ),
    },
    ("/api/v1/decisions/", "post", "201"): {
        "GetDecision": _link("decisions_retrieve", "The proposal.", parameters=BY_ID),
        "Approve": _link("decisions_approve", "An approver approves it.", parameters=BY_ID),
        "Return": _link("decisions_return", "An approver returns it.", parameters=BY_ID),
    },
}


def add_workflow_links(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the OpenAPI links of the officer's workflow."""
    for (path, method, code), links in WORKFLOW_LINKS.items():
        result["paths"][path][method]["responses"][code]["links"] = links
    return result


class APIAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the error answers each operation can give documented."""

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ERRORS[code], code, direction=direction
                )
        return responses

    def _error_codes(self) -> list[str]:
        public = all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        codes = ["401", "429"]  # a bad key is refused even on public routes
        if not public:
            codes.append("403")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "415"]
        elif self._is_list_view():
            codes.append("400")
        if "{" in self.path or self._is_list_view():
            codes.append("404")
        return codes


# Tenancy ----------------------------------------------------------------------------------------


class RolePermission(permissions.IsAuthenticated):
    """Signed in, and holding the permission the view names for this action in
    ``action_permissions``, if any: refused (403) before the body is even read, as the pages
    do. The services check the same permission again; this only answers sooner."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        needed = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        return super().has_permission(request, view) and (
            needed is None or request.user.has_perm(needed)
        )


class DepartmentScopedViewSet(viewsets.GenericViewSet):
    """Base of every viewset over department-owned rows: the one place the API scopes them.

    ``get_queryset()`` filters ``unscoped_queryset()`` by the caller's department (nothing for
    a caller without one), so list, retrieve, update and every detail action see only the
    caller's rows, and another department's object is a 404 exactly like a missing one.
    Subclasses say which rows and joins in ``unscoped_queryset()``; overriding
    ``get_queryset()`` is an error at import time.
    """

    permission_classes = [RolePermission]
    action_permissions: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in vars(cls):
            raise TypeError(
                f"{cls.__name__} overrides get_queryset(), which scopes by department: "
                "override unscoped_queryset() instead."
            )

    def unscoped_queryset(self) -> QuerySet:
        """All rows with the joins this view needs; never filtered by department here."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        department = selectors.department_of(self.request.user)
        queryset = self.unscoped_queryset()
        return queryset.filter(department=department) if department else queryset.none()

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Filters and ordering are for lists; a detail is found by its id alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def parse(self, serializer_class: type[BaseSerializer]) -> dict[str, Any]:
        """The request body validated by ``serializer_class`` (400 with field errors if not)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def created(self, data: Any, url: str) -> Response:
        # str(): DRF's Hyperlink is a str subclass, which strict WSGI servers refuse in headers.
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": str(url)})


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id in a query string: a whole number (a list filtered by another department's id is
    empty, as for a missing one, because the list is scoped first)."""

    field_class = forms.IntegerField


# Workloads ------------------------------------------------------------------------------------


class WorkloadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Title or description contains")
    status = django_filters.ChoiceFilter(choices=Workload.Status.choices)
    use_case = django_filters.ChoiceFilter(choices=QualityEvaluation.UseCase.choices)

    class Meta:
        model = Workload
        fields = ["status", "use_case"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


WORKLOAD_EXAMPLE = {
    "title": "Citizen helpline",
    "description": "Answers questions about schemes in Hindi and English.",
    "use_case": "citizen_services",
    "languages": ["en", "hi"],
    "requests_per_day": 50000,
    "mean_input_tokens": "800",
    "mean_output_tokens": "300",
    "cached_input_share_pct": "20",
    "annual_growth_pct": "15",
    "peak_to_average": "3",
    "term_years": 3,
    "start_date": "2027-04-01",
    "data_classification": ["personal"],
    "max_p95_latency_ms": 3000,
    "min_availability_pct": "99.5",
    "procurement_category": "non_consultancy",
}
WORKLOAD_RESPONSE_EXAMPLE = {
    "id": 12,
    "url": "https://procure.example.gov.in/api/v1/workloads/12/",
    "status": "active",
    **WORKLOAD_EXAMPLE,
    "mean_input_tokens": "800.00",
    "mean_output_tokens": "300.00",
    "cached_input_share_pct": "20.00",
    "annual_growth_pct": "15.00",
    "peak_to_average": "3.00",
    "min_availability_pct": "99.500",
    "estimated_value_inr": None,
    "evaluation_method": "",
    "qcbs_technical_weight_pct": None,
    "quality_oriented_procurement_declared": False,
    "global_tender_approved": False,
    "buyer_gst_registered_business_use": False,
    "created_by": "api-Xy12Ab34",
    "created_at": "2026-11-26T10:15:00+05:30",
    "updated_at": "2026-11-26T10:15:00+05:30",
}


@extend_schema_view(
    list=extend_schema(
        summary="List your department's workloads",
        description="Newest first by default; filter by `status`, `use_case`, or `q` (title or "
        "description). `ordering`: title, created_at, updated_at (prefix `-` to reverse).",
        examples=[
            OpenApiExample(
                "A page",
                page_of(WORKLOAD_RESPONSE_EXAMPLE),
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="A workload",
        examples=[OpenApiExample("Workload", WORKLOAD_RESPONSE_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Describe a workload (procurement officer)",
        description="Every field is checked as the workload form checks it, including the "
        "engine's own rules. Fields not listed are refused.",
        examples=[
            OpenApiExample("Citizen helpline", WORKLOAD_EXAMPLE, request_only=True),
            OpenApiExample(
                "Saved", WORKLOAD_RESPONSE_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    ),
    update=extend_schema(
        summary="Replace a workload (procurement officer)",
        description="Its comparisons keep the inputs they were run with. An archived workload "
        "cannot be edited.",
        examples=[
            OpenApiExample("Citizen helpline", WORKLOAD_EXAMPLE, request_only=True),
            OpenApiExample("Saved", WORKLOAD_RESPONSE_EXAMPLE, response_only=True),
        ],
    ),
    partial_update=extend_schema(
        summary="Change some fields of a workload (procurement officer)",
        examples=[
            OpenApiExample("More traffic", {"requests_per_day": 80000}, request_only=True),
            OpenApiExample(
                "Saved",
                {**WORKLOAD_RESPONSE_EXAMPLE, "requests_per_day": 80000},
                response_only=True,
            ),
        ],
    ),
)
class WorkloadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DepartmentScopedViewSet):
    """Workloads: what a department needs to buy, in the engine's terms."""

    serializer_class = WorkloadSerializer
    filterset_class = WorkloadFilter
    ordering_fields = ["title", "created_at", "updated_at"]
    action_permissions = {
        "create": "procurement.add_workload",
        "update": "procurement.change_workload",
        "partial_update": "procurement.change_workload",
        "archive": "procurement.change_workload",
    }

    def unscoped_queryset(self) -> QuerySet:
        return Workload.objects.select_related("created_by")

    def create(self, request: Request) -> Response:
        data = self.parse(WorkloadSerializer)
        workload = services.workload_create(request.user, data)
        body = self.get_serializer(workload).data
        return self.created(body, body["url"])

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        workload = self.get_object()
        serializer = self.get_serializer(workload, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        workload = services.workload_update(request.user, workload, serializer.validated_data)
        return Response(self.get_serializer(workload).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(
        operation_id="workloads_archive",
        summary="Archive a workload (procurement officer)",
        description="It leaves the active list; its comparisons and decisions stay on record. "
        "No request body.",
        request=None,
        responses=WorkloadSerializer,
        examples=[
            OpenApiExample(
                "Archived", {**WORKLOAD_RESPONSE_EXAMPLE, "status": "archived"}, response_only=True
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str) -> Response:
        workload = self.get_object()
        self.parse(EmptyRequestSerializer)
        workload = services.workload_archive(request.user, workload)
        return Response(self.get_serializer(workload).data)


# Comparisons ----------------------------------------------------------------------------------


class ComparisonFilter(django_filters.FilterSet):
    workload = IdFilter(field_name="workload_id", label="Workload id")
    mechanism = django_filters.CharFilter(label="Award mechanism, e.g. l1 or transition_premium")
    decided_after = django_filters.DateFilter(field_name="decision_date", lookup_expr="gte")
    decided_before = django_filters.DateFilter(field_name="decision_date", lookup_expr="lte")

    class Meta:
        model = Comparison
        fields = ["workload", "mechanism"]


def comparison_detail_body(summary: dict[str, Any], results: bytes) -> bytes:
    """The JSON of a comparison's summary with its ``results`` appended as stored: the ~0.5 MB
    of results is neither parsed nor encoded again."""
    head = JSONRenderer().render(summary)
    return b'%s,"results":%s}' % (head[:-1], results)


class StoredUTF8(Func):
    """A text column as the database holds it, for a large value Python only passes on.

    SQLite hands over its UTF-8 bytes (a BLOB), which Python then neither decodes nor encodes;
    PostgreSQL sends the text, as a bytea would travel hex-encoded at twice the size.
    """

    template = "%(expressions)s"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS BLOB)", **extra)


def utf8(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


# What a comparison's summary reads: its own columns but the snapshot, and one column of each
# related row (not the policy document, which is large and parsed on load).
SUMMARY_COLUMNS = (
    "decision_date",
    "fingerprint",
    "engine_version",
    "offer_count",
    "eligible_count",
    "recommended_offer_id",
    "recommended_name",
    "recommended_total_inr",
    "mechanism",
    "uses_demo_data",
    "created_at",
    "workload__title",
    "policy_pack__slug",
    "policy_pack__version",
    "created_by__username",
)


COMPARISON_EXAMPLE = {
    "id": 31,
    "url": "https://procure.example.gov.in/api/v1/comparisons/31/",
    "snapshot_url": "https://procure.example.gov.in/api/v1/comparisons/31/snapshot/",
    "workload": 12,
    "workload_title": "Citizen helpline",
    "policy_pack": {
        "slug": "india-default",
        "version": 1,
        "url": "https://procure.example.gov.in/api/v1/policy-packs/india-default/1/",
    },
    "decision_date": "2026-11-26",
    "fingerprint": "9f2c4be0c1d8a7e65b3f0a4d2e19c8b7a6f5e4d3c2b1a09f8e7d6c5b4a392817",
    "engine_version": "1.0.0",
    "offer_count": 37,
    "eligible_count": 9,
    "recommended_offer_id": "desi-llm-70b",
    "recommended_name": "Desi AI — Desi LLM 70B",
    "recommended_total_inr": "3504758.33",
    "mechanism": "l1",
    "uses_demo_data": True,
    "created_by": "api-Xy12Ab34",
    "created_at": "2026-11-26T10:16:02+05:30",
}
COMPARISON_DETAIL_EXAMPLE = {
    **COMPARISON_EXAMPLE,
    "results": {
        "decision_date": "2026-11-26",
        "evaluation_method": "l1",
        "recommendation": {
            "award": {"offer_id": "desi-llm-70b", "mechanism": "l1", "cost_inr": "3504758.33"}
        },
        "offers": ["… one entry per offer, with every rule's outcome, reason and citation …"],
        "uses_demo_data": True,
    },
}


DOCUMENT_EXAMPLE = {
    "id": "5b0e9a4e-8d2c-4a63-9b51-0f3a2f6c1d77",
    "status_url": "https://procure.example.gov.in/api/v1/documents/5b0e9a4e-8d2c-4a63-9b51-0f3a2f6c1d77/",
    "status": "queued",
    "error": "",
    "comparison": 31,
    "fingerprint": COMPARISON_EXAMPLE["fingerprint"],
    "language": "en",
    "sha256": None,
    "size": None,
    "download_url": None,
    "requested_at": "2026-11-26T10:21:00+05:30",
    "finished_at": None,
}
READY_DOCUMENT_EXAMPLE = {
    **DOCUMENT_EXAMPLE,
    "status": "ready",
    "sha256": "3f1d0c9e8b7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c",
    "size": 132953,
    "download_url": "https://procure.example.gov.in/api/v1/documents/"
    "5b0e9a4e-8d2c-4a63-9b51-0f3a2f6c1d77/pdf/",
    "finished_at": "2026-11-26T10:21:04+05:30",
}


@extend_schema_view(
    list=extend_schema(
        summary="List your department's comparisons",
        description="Summaries only (no results); newest first. Filter by `workload`, "
        "`mechanism`, `decided_after`, `decided_before`; `ordering`: created_at, "
        "decision_date, recommended_total_inr.",
        examples=[
            OpenApiExample(
                "A page",
                page_of(COMPARISON_EXAMPLE),
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="A comparison with its full results",
        responses=ComparisonDetailSerializer,
        examples=[OpenApiExample("Comparison", COMPARISON_DETAIL_EXAMPLE, response_only=True)],
    ),
)
class ComparisonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DepartmentScopedViewSet):
    """Comparisons: one run of the engine over the whole catalogue for one workload, stored as
    a snapshot that never changes."""

    serializer_class = ComparisonSerializer
    filterset_class = ComparisonFilter
    ordering_fields = ["created_at", "decision_date", "recommended_total_inr"]
    action_permissions = {
        "create": "procurement.add_comparison",
        "documents": "procurement.add_justificationdocument",
    }

    def unscoped_queryset(self) -> QuerySet:
        if self.action == "snapshot":
            return Comparison.objects.only("snapshot")
        comparisons = Comparison.objects.select_related("workload", "policy_pack", "created_by")
        # Summaries leave the ~0.6 MB snapshot in the database; a detail reads it, to slice its
        # results out without parsing them.
        comparisons = comparisons.only(*SUMMARY_COLUMNS)
        if self.action == "retrieve":
            return comparisons.annotate(stored_snapshot=StoredUTF8("snapshot"))
        return comparisons

    def detail_response(
        self, comparison: Comparison, results: bytes, created: bool = False
    ) -> HttpResponse:
        summary = self.get_serializer(comparison).data
        body = comparison_detail_body(summary, results)
        if not created:
            return HttpResponse(body, content_type="application/json")
        response = HttpResponse(body, content_type="application/json", status=201)
        response["Location"] = str(summary["url"])
        return response

    def retrieve(self, request: Request, pk: str) -> HttpResponse:
        comparison = self.get_object()
        results = snapshot_results(utf8(comparison.stored_snapshot))
        return self.detail_response(comparison, results)

    @extend_schema(
        summary="Run a comparison (procurement officer)",
        description="Runs the engine now, on the catalogue and the policy pack in force on "
        "`decision_date`, and answers with the full result. Takes a second or so.",
        request=ComparisonCreateSerializer,
        responses={201: ComparisonDetailSerializer},
        examples=[
            OpenApiExample("Today", {"workload": 12}, request_only=True),
            OpenApiExample(
                "On a date", {"workload": 12, "decision_date": "2026-11-26"}, request_only=True
            ),
            OpenApiExample(
                "Compared", COMPARISON_DETAIL_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def create(self, request: Request) -> HttpResponse:
        data = self.parse(ComparisonCreateSerializer)
        try:
            comparison = services.comparison_run(
                request.user, data["workload"], decision_date=data.get("decision_date")
            )
        except PolicyPack.DoesNotExist as error:
            raise exceptions.ValidationError({"decision_date": [str(error)]}) from None
        results = snapshot_results(utf8(comparison.snapshot))
        return self.detail_response(comparison, results, created=True)

    @extend_schema(
        operation_id="comparisons_documents",
        summary="Request the justification PDF (procurement officer)",
        description="Queues the tender-ready justification of this comparison and answers at "
        "once, 202, with the document's status URL (also the Location header). A worker renders "
        "it; poll the status URL until `status` is ready (then `download_url` is set) or failed "
        "(then `error` says why). No request body.",
        request=None,
        responses={202: DocumentSerializer},
        examples=[
            OpenApiExample("Queued", DOCUMENT_EXAMPLE, response_only=True, status_codes=["202"])
        ],
    )
    @action(detail=True, methods=["post"])
    def documents(self, request: Request, pk: str) -> Response:
        comparison = self.get_object()
        self.parse(EmptyRequestSerializer)
        document = services.document_request(request.user, comparison)
        body = DocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": str(body["status_url"])}
        )

    @extend_schema(
        operation_id="comparisons_snapshot",
        summary="The stored snapshot",
        description="Every input exactly as the engine used it and the results, as the stored "
        "canonical JSON text (its `fingerprint` is the SHA-256 of the same text without the "
        "`fingerprint` key). `python -m procurement.engine replay FILE` recomputes and "
        "verifies it. Schema: docs/snapshot.schema.json.",
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Snapshot",
                {
                    "engine_version": "1.0.0",
                    "fingerprint": COMPARISON_EXAMPLE["fingerprint"],
                    "inputs": {"…": "workload, offers, policy, FX rates, decision date"},
                    "results": COMPARISON_DETAIL_EXAMPLE["results"],
                    "snapshot_version": 1,
                },
                response_only=True,
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def snapshot(self, request: Request, pk: str) -> HttpResponse:
        comparison = self.get_object()
        return HttpResponse(comparison.snapshot, content_type="application/json")


# Decisions ------------------------------------------------------------------------------------


class DecisionFilter(django_filters.FilterSet):
    comparison = IdFilter(field_name="comparison_id", label="Comparison id")
    status = django_filters.ChoiceFilter(choices=Decision.Status.choices)

    class Meta:
        model = Decision
        fields = ["comparison", "status"]


DECISION_EXAMPLE = {
    "id": 7,
    "url": "https://procure.example.gov.in/api/v1/decisions/7/",
    "comparison": 31,
    "offer_id": "desi-llm-70b",
    "offer_name": "Desi AI — Desi LLM 70B",
    "follows_recommendation": True,
    "reason": "",
    "status": "proposed",
    "proposed_by": "api-Xy12Ab34",
    "proposed_at": "2026-11-26T10:20:00+05:30",
    "decided_by": None,
    "decided_at": None,
    "decision_note": "",
}
APPROVED_EXAMPLE = {
    **DECISION_EXAMPLE,
    "status": "approved",
    "decided_by": "health-approver",
    "decided_at": "2026-11-26T11:02:00+05:30",
    "decision_note": "Within budget head 3451.",
}


@extend_schema_view(
    list=extend_schema(
        summary="List your department's decisions",
        description="Newest first; filter by `comparison` or `status`.",
        examples=[
            OpenApiExample(
                "A page",
                page_of(DECISION_EXAMPLE),
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="A decision",
        examples=[OpenApiExample("Decision", DECISION_EXAMPLE, response_only=True)],
    ),
)
class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DepartmentScopedViewSet):
    """Awards, maker-checker: a procurement officer proposes, an approver of the same department
    who did not propose it approves or returns it. An API key is its own account, so a key that
    proposed cannot approve."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    ordering_fields = ["proposed_at", "decided_at"]
    action_permissions = {
        "create": "procurement.add_decision",
        "approve": "procurement.approve_decision",
        "return_": "procurement.approve_decision",
    }

    def unscoped_queryset(self) -> QuerySet:
        return Decision.objects.select_related("proposed_by", "decided_by")

    @extend_schema(
        summary="Propose an award (procurement officer)",
        description="The recommended offer, or another eligible offer with a written reason. "
        "A comparison holds one live proposal at a time.",
        request=DecisionProposeSerializer,
        responses={201: DecisionSerializer},
        examples=[
            OpenApiExample(
                "Follow the recommendation",
                {"comparison": 31, "offer_id": "desi-llm-70b"},
                request_only=True,
            ),
            OpenApiExample(
                "Depart from it",
                {
                    "comparison": 31,
                    "offer_id": "global-llm",
                    "reason": "Needs the 1M-token context.",
                },
                request_only=True,
            ),
            OpenApiExample("Proposed", DECISION_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request: Request) -> Response:
        data = self.parse(DecisionProposeSerializer)
        decision = services.decision_propose(
            request.user, data["comparison"], data["offer_id"], data["reason"]
        )
        body = self.get_serializer(decision).data
        return self.created(body, body["url"])

    def _review(self, action: Callable[..., Decision]) -> Response:
        decision = self.get_object()
        data = self.parse(DecisionReviewSerializer)
        return Response(self.get_serializer(action(self.request.user, decision, data["note"])).data)

    @extend_schema(
        operation_id="decisions_approve",
        summary="Approve a proposed award (approver, not the proposer)",
        request=DecisionReviewSerializer,
        responses=DecisionSerializer,
        examples=[
            OpenApiExample("Approve", {"note": "Within budget head 3451."}, request_only=True),
            OpenApiExample("Approved", APPROVED_EXAMPLE, response_only=True),
        ],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._review(services.decision_approve)

    @extend_schema(
        operation_id="decisions_return",
        summary="Return a proposed award to the officer (approver, not the proposer)",
        description="`note` is required: it says what the officer must change.",
        request=DecisionReviewSerializer,
        responses=DecisionSerializer,
        examples=[
            OpenApiExample(
                "Return", {"note": "Attach the latency test report."}, request_only=True
            ),
            OpenApiExample(
                "Returned",
                {
                    **APPROVED_EXAMPLE,
                    "status": "returned",
                    "decision_note": "Attach the latency test report.",
                },
                response_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        return self._review(services.decision_return)


# Justification documents ---------------------------------------------------------------------

NOT_READY = OpenApiResponse(
    ErrorSerializer,
    "The document is not ready (queued, rendering or failed): poll its status URL.",
    [OpenApiExample("Rendering", {"detail": "The document is not ready: it is rendering."})],
)


class PdfRenderer(BaseRenderer):
    """Declares the PDF a document action answers with; the bytes are sent as they are."""

    media_type = "application/pdf"
    format = "pdf"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> Any:
        return data


class FirstRendererNegotiation(BaseContentNegotiation):
    """Answer with the view's first renderer whatever the client accepts: errors are JSON and
    the PDF itself is an HttpResponse, so an `Accept: application/pdf` is not refused (406)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0]

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


@extend_schema_view(
    retrieve=extend_schema(
        summary="A justification document's status",
        examples=[
            OpenApiExample("Queued", DOCUMENT_EXAMPLE, response_only=True),
            OpenApiExample("Ready", READY_DOCUMENT_EXAMPLE, response_only=True),
        ],
    ),
)
class DocumentViewSet(mixins.RetrieveModelMixin, DepartmentScopedViewSet):
    """Justification PDFs, one per request: created by `POST /comparisons/{id}/documents/`,
    rendered by a worker, then downloaded. Only the requesting department sees them."""

    serializer_class = DocumentSerializer

    def unscoped_queryset(self) -> QuerySet:
        documents = JustificationDocument.objects.select_related("comparison")
        if self.action == "pdf":
            return documents.only("pdf", "status", "sha256", "comparison__fingerprint")
        return documents.defer("pdf", "comparison__snapshot")

    @extend_schema(
        operation_id="documents_pdf",
        summary="Download a justification PDF",
        description="The archival PDF/A-3 file, with the comparison's snapshot attached. Its "
        "SHA-256 is in the status and in the `X-Content-SHA256` header; the public page "
        "/verify/ confirms a copy by it.",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, "The PDF."),
            409: NOT_READY,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PdfRenderer],
        content_negotiation_class=FirstRendererNegotiation,
    )
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        document = self.get_object()
        if document.status != JustificationDocument.Status.READY:
            state = document.get_status_display().lower()
            return Response(
                {"detail": f"The document is not ready: it is {state}."},
                status=status.HTTP_409_CONFLICT,
            )
        response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="justification-{document.comparison.fingerprint[:12]}.pdf"'
        )
        response["X-Content-SHA256"] = document.sha256
        return response


# Policy packs (shared by every department) -----------------------------------------------------


class PolicyPackFilter(django_filters.FilterSet):
    class Meta:
        model = PolicyPack
        fields = ["slug", "status"]


POLICY_PACK_EXAMPLE = {
    "slug": "india-default",
    "version": 1,
    "url": "https://procure.example.gov.in/api/v1/policy-packs/india-default/1/",
    "title": "India: GFR 2017, Make in India and the transition premium",
    "status": "published",
    "effective_from": "2026-04-01",
    "change_note": "",
    "created_at": "2026-04-01T09:00:00+05:30",
    "published_at": "2026-04-01T09:30:00+05:30",
}


@extend_schema_view(
    list=extend_schema(
        summary="List policy pack versions",
        description="Every version of every pack, drafts included; filter by `slug`, `status`.",
        examples=[
            OpenApiExample(
                "A page",
                page_of(POLICY_PACK_EXAMPLE),
                response_only=True,
            )
        ],
    ),
)
class PolicyPackViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Policy packs: the engine's rules as versioned data, shared by every department.
    A version is addressed as /api/v1/policy-packs/{slug}/{version}/."""

    serializer_class = PolicyPackSerializer
    filterset_class = PolicyPackFilter
    ordering_fields = ["slug", "version", "effective_from"]

    def get_queryset(self) -> QuerySet:
        return selectors.policy_pack_list()

    @extend_schema(
        summary="One version of a policy pack, with its document",
        responses=PolicyPackDetailSerializer,
        examples=[
            OpenApiExample(
                "India pack v1",
                {
                    **POLICY_PACK_EXAMPLE,
                    "document": {"pack_id": "india-default", "version": 1, "…": "rules, cited"},
                },
                response_only=True,
            )
        ],
    )
    def version(self, request: Request, slug: str, version: int) -> Response:
        """Routed by config/urls.py as /policy-packs/{slug}/{version}/ (not a router lookup)."""
        pack = selectors.get_policy_pack(slug, version)
        context = self.get_serializer_context()
        return Response(PolicyPackDetailSerializer(pack, context=context).data)


# A bare endpoint: checks a key, and is the baseline of benchmarks/api.py ------------------------


class PingView(APIView):
    """Who is calling, in which department, with which key: the first call to try with a new
    key. It reads nothing beyond the authentication itself."""

    @extend_schema(
        summary="Check your credentials",
        responses=PingSerializer,
        examples=[
            OpenApiExample(
                "With a key",
                {"user": "api-Xy12Ab34", "department": "health", "api_key": "HMIS integration"},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        department = selectors.department_of(request.user)
        key = request.auth if isinstance(request.auth, DepartmentAPIKey) else None
        return Response(
            {
                "user": request.user.get_username(),
                "department": department.slug if department else None,
                "api_key": key.name if key else None,
            }
        )
