from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from config.views import healthz
from procurement.api import community, ocds, transparency
from procurement.api.base import FirstRendererNegotiation
from procurement.api.tenders import TenderViewSet
from procurement.api.views import (
    AwardViewSet,
    ComparisonViewSet,
    DecisionViewSet,
    DocumentViewSet,
    PingView,
    PolicyPackViewSet,
    WorkloadViewSet,
)
from procurement.language import switch as language_switch
from procurement.views import SignInView
from providers.api import FxRateViewSet, OfferingViewSet, ProviderViewSet
from providers.views import home

# drf-spectacular's Swagger page carries one small inline <style>; allow exactly that block.
# tests/test_catalogue_api.py recomputes the hash, so an upgrade that changes it fails there.
SWAGGER_INLINE_STYLE = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"
swagger_ui = csp_update({"style-src": [SELF, SWAGGER_INLINE_STYLE]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

# /api/v1/: every route is in tests/test_api_tenancy.py's table, which fails on a route it lacks.
register_converter(transparency.FigureConverter, "figure")
register_converter(ocds.OcidConverter, "ocid")

router = DefaultRouter()
router.include_format_suffixes = False  # JSON only: no ".json" twin of every route
router.register("providers", ProviderViewSet, basename="provider")
router.register("offerings", OfferingViewSet, basename="offering")
router.register("fx-rates", FxRateViewSet, basename="fx-rate")
router.register("policy-packs", PolicyPackViewSet, basename="policy-pack")
router.register("workloads", WorkloadViewSet, basename="workload")
router.register("comparisons", ComparisonViewSet, basename="comparison")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("awards", AwardViewSet, basename="award")
router.register("documents", DocumentViewSet, basename="document")
router.register("tenders", TenderViewSet, basename="tender")
api_v1 = [
    path("ping/", PingView.as_view(), name="ping"),
    # A policy pack version is named by two parts, which a router lookup cannot express.
    path(
        "policy-packs/<slug:slug>/<int:version>/",
        PolicyPackViewSet.as_view({"get": "version"}),
        name="policy-pack-detail",
    ),
    # A comparison's exports end in their file's extension, which a router cannot route.
    path(
        "comparisons/<int:pk>/export.xlsx",
        ComparisonViewSet.as_view(
            {"get": "export_xlsx"}, content_negotiation_class=FirstRendererNegotiation
        ),
        name="comparison-export-xlsx",
    ),
    path(
        "comparisons/<int:pk>/export.csv",
        ComparisonViewSet.as_view(
            {"get": "export_csv"}, content_negotiation_class=FirstRendererNegotiation
        ),
        name="comparison-export-csv",
    ),
    # The national figures: public, JSON and CSV (the CSV's address ends in its extension).
    path(
        "transparency/",
        transparency.TransparencyIndexView.as_view(),
        name="transparency-index",
    ),
    path(
        "transparency/scenario/",
        transparency.ScenarioView.as_view(),
        name="transparency-scenario",
    ),
    path(
        "transparency/scenario.csv",
        transparency.ScenarioCsvView.as_view(),
        name="transparency-scenario-csv",
    ),
    path(
        "transparency/<figure:figure>/",
        transparency.FigureView.as_view(),
        name="transparency-figure",
    ),
    path(
        "transparency/<figure:figure>.csv",
        transparency.FigureCsvView.as_view(),
        name="transparency-figure-csv",
    ),
    # Open contracting data (OCDS): public JSON files, their addresses ending in ".json".
    path(
        "ocds/releases.json",
        ocds.BulkReleasesView.as_view(),
        name="ocds-releases",
    ),
    path(
        "ocds/releases/<ocid:ocid>.json",
        ocds.ReleasePackageView.as_view(),
        name="ocds-release-package",
    ),
    path(
        "ocds/records/<ocid:ocid>.json",
        ocds.RecordView.as_view(),
        name="ocds-record",
    ),
    # The community: public lists; submissions by its members signed in.
    path(
        "community/evaluators/",
        community.EvaluatorListView.as_view(),
        name="community-evaluator-list",
    ),
    path(
        "community/evaluations/",
        community.EvaluationListView.as_view(),
        name="community-evaluation-list",
    ),
    path(
        "community/benchmarks/",
        community.BenchmarkListView.as_view(),
        name="community-benchmark-list",
    ),
    path(
        "community/measurements/",
        community.MeasurementCreateView.as_view(),
        name="community-measurement-list",
    ),
    path(
        "community/submissions/",
        community.SubmissionListView.as_view(),
        name="community-submission-list",
    ),
    *router.urls,
]

urlpatterns = [
    path("", home, name="home"),
    path("catalogue/", include("providers.urls")),
    path("", include("procurement.urls")),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("language/", language_switch, name="language_switch"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the CSP needs no inline JS.
    path("api/docs/", swagger_ui, name="swagger-ui"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

# A URL no route matches is a JSON 404 under /api/ (the HTML page elsewhere).
handler404 = "config.api.not_found"
# Under /api/ a body over the size limit is a JSON 413 and an unhandled error a JSON 500.
handler400 = "config.api.bad_request"
handler500 = "config.api.server_error"
