"""The departments' REST API under /api/v1/: one viewset per resource.

Tenancy lives in ``DepartmentScopedViewSet`` (procurement/api/base.py): every viewset over
department rows extends it and names its rows in ``unscoped_queryset()``. Each action parses its
body with a serializer, makes one call to ``procurement.services`` and renders; a service's
``ValidationError`` becomes a 400 with field-level messages (a 409 when the object's state
refuses it: the actions in ``conflict_actions``, documented so) and its ``PermissionDenied`` a
403 (``config.api.api_exception_handler``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import CONFLICT, EmptyRequestSerializer, ErrorSerializer, is_conflict, page_of
from procurement import exports, selectors, services, workload_fields
from procurement.api.base import (
    DepartmentScopedViewSet,
    FirstRendererNegotiation,
    PdfRenderer,
)
from procurement.api.examples import (
    APPROVED_EXAMPLE,
    AWARD_EXAMPLE,
    COMPARISON_DETAIL_EXAMPLE,
    COMPARISON_EXAMPLE,
    DECISION_EXAMPLE,
    DOCUMENT_EXAMPLE,
    POLICY_PACK_EXAMPLE,
    READY_DOCUMENT_EXAMPLE,
    USAGE_CORRECTED_EXAMPLE,
    USAGE_CORRECTION_EXAMPLE,
    USAGE_REPORT_EXAMPLE,
    USAGE_REQUEST_EXAMPLE,
    WORKLOAD_EXAMPLE,
    WORKLOAD_RESPONSE_EXAMPLE,
)
from procurement.api.filters import (
    ComparisonFilter,
    DecisionFilter,
    DocumentFilter,
    PolicyPackFilter,
    WorkloadFilter,
)
from procurement.api.serializers import (
    AwardSerializer,
    ComparisonCreateSerializer,
    ComparisonDetailSerializer,
    ComparisonSerializer,
    DecisionProposeSerializer,
    DecisionReviewSerializer,
    DecisionSerializer,
    DocumentSerializer,
    PingSerializer,
    PolicyPackDetailSerializer,
    PolicyPackSerializer,
    UsageReportCreateSerializer,
    UsageReportSerializer,
    WorkloadSerializer,
    comparison_summary,
)
from procurement.models import (
    Comparison,
    Decision,
    DepartmentAPIKey,
    JustificationDocument,
    PolicyPack,
    UsageReport,
)


def comparison_detail_body(summary: dict[str, Any], results: bytes) -> bytes:
    """The JSON of a comparison's summary with its ``results`` appended as stored at insert:
    the ~0.4 MB of results is neither parsed nor encoded as JSON again."""
    head = JSONRenderer().render(summary)
    return b'%s,"results":%s}' % (head[:-1], results)


# Workloads ------------------------------------------------------------------------------------


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
    # A value the department's adopted pack refuses; an archived workload; for a PATCH, also a
    # change the stored values make refused.
    conflict_actions = ("create", "update", "partial_update")
    action_permissions = {
        "create": "procurement.add_workload",
        "update": "procurement.change_workload",
        "partial_update": "procurement.change_workload",
        "archive": "procurement.change_workload",
    }

    def unscoped_queryset(self) -> QuerySet[Any]:
        return selectors.workload_rows()

    def create(self, request: Request) -> Response:
        serializer = WorkloadSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        workload = services.workload_create(user=request.user, values=serializer.values())
        body = self.get_serializer(workload).data
        return self.created(body, body["url"])

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        workload = self.get_object()
        serializer = WorkloadSerializer(
            workload, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        values = serializer.values(base=workload_fields.values_of(workload) if partial else None)
        try:
            workload = services.workload_update(user=request.user, workload=workload, values=values)
        except DjangoValidationError as error:
            if not partial or is_conflict(error):
                raise
            # Every field sent passed its own checks: what is refused is the workload they make
            # with the values stored (e.g. both token counts zero) — a conflict with its state.
            raise DjangoValidationError(
                _(
                    "With the values stored, this change would make a workload the product "
                    "refuses: %(problems)s"
                )
                % {"problems": " ".join(error.messages)},
                code=CONFLICT,
            ) from None
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
        workload = services.workload_archive(user=request.user, workload=workload)
        return Response(self.get_serializer(workload).data)


# Comparisons ----------------------------------------------------------------------------------


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
class ComparisonViewSet(mixins.ListModelMixin, DepartmentScopedViewSet):
    """Comparisons: one run of the engine over the whole catalogue for one workload, stored as
    a snapshot that never changes."""

    serializer_class = ComparisonSerializer
    filterset_class = ComparisonFilter
    ordering_fields = ["created_at", "decision_date", "recommended_total_inr"]
    conflict_actions = ("create",)  # an archived workload; a date before the adopted pack
    action_permissions = {
        "create": "procurement.add_comparison",
        "documents": "procurement.add_justificationdocument",
    }

    def unscoped_queryset(self) -> QuerySet[Any]:
        if self.action == "snapshot":
            return Comparison.objects.only("snapshot")
        if self.action in ("export_xlsx", "export_csv"):
            return selectors.comparison_export_rows()
        if self.action == "retrieve":  # selectors.comparison_detail names what it reads
            return Comparison.objects.all()
        # Summaries leave the ~0.6 MB snapshot in the database.
        return selectors.comparison_rows()

    def detail_response(
        self, values: dict[str, Any], results: bytes, created: bool = False
    ) -> HttpResponse:
        summary = comparison_summary(values, self.request)
        body = comparison_detail_body(summary, results)
        if not created:
            return HttpResponse(body, content_type="application/json")
        response = HttpResponse(body, content_type="application/json", status=201)
        response["Location"] = str(summary["url"])
        return response

    def retrieve(self, request: Request, pk: str) -> HttpResponse:
        """The summary and the results stored at insert (a detail route of the router), read
        from the caller's department's comparisons in one query."""
        rows = self.get_queryset()
        found = selectors.comparison_detail(rows, pk)
        if found is None:
            raise Http404(_("No Comparison matches the given query."))
        summary, results = found
        return self.detail_response(summary, selectors.reader_results_json(rows, pk, results))

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
                "Assuming a Class-I supplier declines to match L1",
                {"workload": 12, "match_declines": ["sarvam-105b-sovereign-cloud"]},
                request_only=True,
            ),
            OpenApiExample(
                "Compared", COMPARISON_DETAIL_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def create(self, request: Request) -> HttpResponse:
        data = self.parse(ComparisonCreateSerializer)
        comparison = services.comparison_run(
            user=request.user,
            workload=data["workload"],
            decision_date=data.get("decision_date"),
            match_declines=data.get("match_declines", ()),
        )
        values = selectors.comparison_summary_values(comparison)
        results = selectors.reader_results_json(
            Comparison.objects.all(), comparison.pk, comparison.results.json()
        )
        return self.detail_response(values, results, created=True)

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
        document = services.document_request(user=request.user, comparison=comparison)
        body = DocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": str(body["status_url"])}
        )

    @extend_schema(
        operation_id="comparisons_snapshot",
        summary="The stored snapshot",
        description="Every input exactly as the engine used it and the results, as the stored "
        "canonical JSON text (its `fingerprint` is the SHA-256 of the same text without the "
        "`fingerprint` and `signature` keys; `signature` is the product's Ed25519 signature "
        "of the fingerprint, by the key published at /verify/key/, and is absent from "
        "comparisons stored before signing began). `python -m procurement.engine replay FILE "
        "--public-key KEY` recomputes and verifies it. Schema: docs/snapshot.schema.json.",
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Snapshot",
                {
                    "engine_version": "1.0.0",
                    "fingerprint": COMPARISON_EXAMPLE["fingerprint"],
                    "inputs": {"…": "workload, offers, policy, FX rates, decision date"},
                    "results": COMPARISON_DETAIL_EXAMPLE["results"],
                    "signature": {
                        "algorithm": "Ed25519",
                        "key_id": "8fd6fb19afaf643e",
                        "public_key": "o81WicQBacW4L1BB+8W4VxWqgr9m8qFXiBsHu3CuZsE=",
                        "value": "…",
                    },
                    "snapshot_version": 2,
                },
                response_only=True,
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def snapshot(self, request: Request, pk: str) -> HttpResponse:
        comparison = self.get_object()
        return HttpResponse(comparison.snapshot, content_type="application/json")

    # The two exports are routed by config/urls.py (a router would add a slash after the
    # extension); content negotiation answers with the file whatever the client accepts.

    def _attachment(self, content: bytes, content_type: str, filename: str) -> HttpResponse:
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @extend_schema(
        operation_id="comparisons_export_xlsx",
        summary="The comparison as an Excel workbook",
        description="Four sheets: Summary (workload, dates, policy pack, recommendation, "
        "exchange rates with source and date, a demo mark when demo data was used), TCO by "
        "year (every priced offer: each contract year, the exit cost and the totals, nominal "
        "with tax and present value), Ranking (the eligible offers) and Eligibility (every "
        "offer against every rule, with the reason and its authority). Money cells are "
        "numbers in rupees, exact to the paisa, shown with lakh and crore grouping. The "
        "figures are the comparison page's. docs/api.md lists the columns.",
        responses={
            (200, exports.XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, "The workbook."),
        },
    )
    def export_xlsx(self, request: Request, pk: str) -> HttpResponse:
        export = exports.comparison_export(self.get_object())
        return self._attachment(
            exports.export_xlsx(export), exports.XLSX_TYPE, f"{export.filename}.xlsx"
        )

    @extend_schema(
        operation_id="comparisons_export_csv",
        summary="The comparison as a CSV file",
        description="The workbook's four sheets as four sections of one CSV file (UTF-8 with a "
        "byte-order mark, CRLF line ends): a line with the section's name (Summary, TCO by "
        "year, Ranking, Eligibility), a header line, the rows, then an empty line. Money is "
        "a plain decimal string in rupees (`3804821.03`), dates are YYYY-MM-DD. The figures "
        "are the comparison page's.",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, "The CSV file.")},
    )
    def export_csv(self, request: Request, pk: str) -> HttpResponse:
        export = exports.comparison_export(self.get_object())
        return self._attachment(
            exports.export_csv(export), exports.CSV_TYPE, f"{export.filename}.csv"
        )


# Decisions ------------------------------------------------------------------------------------


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
    conflict_actions = ("create", "approve", "return_")  # a second proposal, a second decision
    action_permissions = {
        "create": "procurement.add_decision",
        "approve": "procurement.approve_decision",
        "return_": "procurement.approve_decision",
    }

    def unscoped_queryset(self) -> QuerySet[Any]:
        return selectors.decision_rows()

    @extend_schema(
        summary="Propose an award (procurement officer)",
        description="The recommended offer, or another eligible offer with a written reason. "
        "A comparison holds one live proposal at a time. `restricted` keeps the award out of "
        "every public figure below the national totals; left out, it follows the department's "
        "sector (restricted for defence and security).",
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
            OpenApiExample(
                "Restricted (national totals only)",
                {"comparison": 31, "offer_id": "desi-llm-70b", "restricted": True},
                request_only=True,
            ),
            OpenApiExample("Proposed", DECISION_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request: Request) -> Response:
        data = self.parse(DecisionProposeSerializer)
        decision = services.decision_propose(
            user=request.user,
            comparison=data["comparison"],
            offer_id=data["offer_id"],
            reason=data["reason"],
            restricted=data.get("restricted"),
        )
        body = self.get_serializer(decision).data
        return self.created(body, body["url"])

    def _review(self, review: Callable[..., Decision]) -> Response:
        decision = self.get_object()
        data = self.parse(DecisionReviewSerializer)
        decision = review(user=self.request.user, decision=decision, note=data["note"])
        return Response(self.get_serializer(decision).data)

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


# Awards and what they served ------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List your department's awards",
        description="Approved decisions, newest first, with their contract's dates: what usage "
        "is reported against. `ordering`: decided_at (prefix `-` to reverse).",
        examples=[OpenApiExample("A page", page_of(AWARD_EXAMPLE), response_only=True)],
    ),
    retrieve=extend_schema(
        summary="An award",
        examples=[OpenApiExample("Award", AWARD_EXAMPLE, response_only=True)],
    ),
)
class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DepartmentScopedViewSet):
    """Awards (approved decisions) and what each actually served, quarter by quarter, as the
    department reports it: read-only awards, insert-only reports."""

    serializer_class = AwardSerializer
    ordering_fields = ["decided_at"]
    # A report for a decision of the department that is not approved (proposed or returned).
    conflict_actions = ("usage_create",)
    action_permissions = {"usage_create": "procurement.add_usagereport"}

    def unscoped_queryset(self) -> QuerySet[Any]:
        if self.action == "usage_create":
            # Any decision of the department, so that one not approved is told why (409).
            return selectors.decision_rows()
        return selectors.award_rows()

    @extend_schema(
        operation_id="awards_usage_list",
        summary="The award's usage reports",
        description="Every report, corrections included, by quarter and then in the order "
        "they were made: the latest of a quarter is the one that counts.",
        responses=UsageReportSerializer(many=True),
        filters=False,
        examples=[
            OpenApiExample(
                "Reported, then corrected",
                [USAGE_REPORT_EXAMPLE, USAGE_CORRECTED_EXAMPLE],
                response_only=True,
            )
        ],
    )
    # A few reports a quarter over a contract's years: one list, not pages.
    @action(detail=True, methods=["get"], pagination_class=None)
    def usage(self, request: Request, pk: str) -> Response:
        award = self.get_object()
        reports = selectors.usage_reports_of([award.pk])
        return Response(UsageReportSerializer(reports, many=True).data)

    @extend_schema(
        operation_id="awards_usage_create",
        summary="Report what the award served in a quarter (procurement officer)",
        description="Requests, input and output tokens and rupees invoiced in one quarter that "
        "has begun, within the contract. Reports are never changed: a second report of the "
        "same quarter is a correction, stored as a new report that names the one it corrects "
        "(`corrects`), and needs a `note` saying why. Tokens are reported with requests. A "
        "report the award's state does not allow is a 409 saying why: an award not approved, "
        "a quarter not begun or outside the contract, a correction without its note. The "
        "national dashboard's projected and actual use is refreshed after it is stored.",
        request=UsageReportCreateSerializer,
        responses={201: UsageReportSerializer},
        examples=[
            OpenApiExample("A quarter", USAGE_REQUEST_EXAMPLE, request_only=True),
            OpenApiExample("A correction", USAGE_CORRECTION_EXAMPLE, request_only=True),
            OpenApiExample(
                "Stored", USAGE_REPORT_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    @usage.mapping.post
    def usage_create(self, request: Request, pk: str) -> Response:
        award = self.get_object()
        data = self.parse(UsageReportCreateSerializer)
        report = services.usage_report(
            user=request.user, decision=award, source=UsageReport.Source.API, **data
        )
        body = UsageReportSerializer(report).data
        return self.created(body, self.reverse_action("usage", args=[award.pk]))


# Justification documents ---------------------------------------------------------------------


NOT_READY = OpenApiResponse(
    ErrorSerializer,
    "The document is not ready (queued, rendering or failed): poll its status URL.",
    [OpenApiExample("Rendering", {"detail": "The document is not ready: it is rendering."})],
)


@extend_schema_view(
    list=extend_schema(
        summary="List your department's justification documents",
        description="Newest first; filter by `comparison` or `status`; `ordering`: "
        "requested_at, finished_at. A request whose 202 answer was lost is found here.",
        examples=[OpenApiExample("A page", page_of(DOCUMENT_EXAMPLE), response_only=True)],
    ),
    retrieve=extend_schema(
        summary="A justification document's status",
        examples=[
            OpenApiExample("Queued", DOCUMENT_EXAMPLE, response_only=True),
            OpenApiExample("Ready", READY_DOCUMENT_EXAMPLE, response_only=True),
        ],
    ),
)
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DepartmentScopedViewSet):
    """Justification PDFs, one per request: created by `POST /comparisons/{id}/documents/`,
    rendered by a worker, then downloaded. Only the requesting department sees them."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    ordering_fields = ["requested_at", "finished_at"]

    def unscoped_queryset(self) -> QuerySet[Any]:
        if self.action == "pdf":
            return JustificationDocument.objects.select_related("comparison", "tender").only(
                "pdf", "status", "sha256", "comparison__fingerprint", "tender__reference"
            )
        return selectors.document_rows().order_by("-requested_at")

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
                {"detail": _("The document is not ready: it is %(state)s.") % {"state": state}},
                status=status.HTTP_409_CONFLICT,
            )
        pdf, sha256 = document.issued()
        response = HttpResponse(pdf, content_type="application/pdf")
        if document.tender is not None:
            filename = document.tender_filename()
        else:
            filename = f"justification-{document.comparison.fingerprint[:12]}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-SHA256"] = sha256
        return response


# Policy packs (shared by every department) -----------------------------------------------------


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
class PolicyPackViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[PolicyPack]):
    """Policy packs: the engine's rules as versioned data, shared by every department.
    A version is addressed as /api/v1/policy-packs/{slug}/{version}/."""

    serializer_class = PolicyPackSerializer
    filterset_class = PolicyPackFilter
    ordering_fields = ["slug", "version", "effective_from"]

    def get_queryset(self) -> QuerySet[PolicyPack]:
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
