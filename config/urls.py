from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from config.views import healthz
from providers.api import OfferingViewSet, ProviderViewSet
from providers.views import home

router = DefaultRouter()
router.register("providers", ProviderViewSet, basename="provider")
router.register("offerings", OfferingViewSet, basename="offering")

urlpatterns = [
    path("", home, name="home"),
    path("catalogue/", include("providers.urls")),
    path("api/v1/", include((router.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the CSP needs no inline JS.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
