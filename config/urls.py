from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from config.views import healthz
from providers.api import OfferingViewSet, ProviderViewSet
from providers.views import home

# drf-spectacular's Swagger page carries one small inline <style>; allow exactly that block.
# tests/test_catalogue_api.py recomputes the hash, so an upgrade that changes it fails there.
SWAGGER_INLINE_STYLE = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"
swagger_ui = csp_update({"style-src": [SELF, SWAGGER_INLINE_STYLE]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

router = DefaultRouter()
router.register("providers", ProviderViewSet, basename="provider")
router.register("offerings", OfferingViewSet, basename="offering")

urlpatterns = [
    path("", home, name="home"),
    path("catalogue/", include("providers.urls")),
    path("", include("procurement.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
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
    path("api/v1/", include((router.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the CSP needs no inline JS.
    path("api/docs/", swagger_ui, name="swagger-ui"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
