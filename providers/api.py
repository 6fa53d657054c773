"""The public catalogue API: /api/v1/providers/ and /api/v1/offerings/ (read-only, no login)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import permissions, viewsets

from providers import selectors
from providers.filters import OfferingFilter, ProviderFilter
from providers.serializers import (
    OfferingDetailSerializer,
    OfferingSerializer,
    ProviderDetailSerializer,
    ProviderSerializer,
)


class ProviderViewSet(viewsets.ReadOnlyModelViewSet):
    """Providers of AI inference. Filters as on the catalogue page; `?ordering=name`."""

    permission_classes = [permissions.AllowAny]  # the catalogue is public
    lookup_field = "slug"
    filterset_class = ProviderFilter
    ordering_fields = ["name", "local_content_pct", "headquarters_country"]

    def get_queryset(self) -> QuerySet:
        today = timezone.localdate()
        if self.action == "retrieve":
            return selectors.provider_details(today)
        return selectors.provider_list(today)

    def get_serializer_class(self):
        return ProviderDetailSerializer if self.action == "retrieve" else ProviderSerializer


class OfferingViewSet(viewsets.ReadOnlyModelViewSet):
    """Offerings with the price in force today; the detail adds price history, evaluations and
    the certifications that cover the offering."""

    permission_classes = [permissions.AllowAny]  # the catalogue is public
    lookup_field = "slug"
    filterset_class = OfferingFilter
    ordering_fields = ["name", "provider__name", "context_window", "p95_latency_ms"]

    def get_queryset(self) -> QuerySet:
        today = timezone.localdate()
        if self.action == "retrieve":
            return selectors.offering_details(today)
        return selectors.offering_list(today)

    def get_serializer_class(self):
        return OfferingDetailSerializer if self.action == "retrieve" else OfferingSerializer
