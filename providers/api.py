"""The public catalogue API (read-only, no login): /api/v1/providers/, /api/v1/offerings/ and
/api/v1/fx-rates/, the dated exchange rates comparisons convert foreign prices with."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets

from config.api import page_of
from providers import selectors
from providers.filters import OfferingFilter, ProviderFilter
from providers.models import FxRate, Offering, Provider
from providers.serializers import (
    FxRateSerializer,
    OfferingDetailSerializer,
    OfferingSerializer,
    ProviderDetailSerializer,
    ProviderSerializer,
)

HOST = "https://procure.example.gov.in/api/v1"
REGION_EXAMPLE = {
    "code": "yotta-nm1-panvel",
    "name": "Yotta NM1, Panvel (Navi Mumbai)",
    "operator": {
        "name": "Yotta Data Services",
        "ownership": "domestic",
        "country": "IN",
        "source_note": "'100 % subsidiary of the Hiranandani Group' [S]",
        "is_demo": False,
    },
    "country": "IN",
    "city": "Panvel, Navi Mumbai",
    "operator_type": "other_commercial",
    "source_url": "",
    "source_note": "Uptime Tier IV; MeitY empanelment not confirmed",
    "checked_on": "2020-11-30",
    "is_demo": False,
}
PRICE_EXAMPLE = {
    "effective_from": "2026-09-20",
    "currency": "INR",
    "input_per_mtok": "19.800000",
    "cached_input_per_mtok": None,
    "output_per_mtok": "59.400000",
    "gpu_hour_price": None,
    "output_tokens_per_sec_per_gpu": None,
    "gpus_per_node": None,
    "min_gpus": None,
    "onboarding_fee": "0.00",
    "exit_fee": "0.00",
    "source_url": "https://docs.sarvam.ai/api/getting-started/pricing",
    "source_note": "Sarvam Token Factory price, ex-GST",
    "checked_on": "2026-09-20",
    "is_demo": False,
}
CERTIFICATION_EXAMPLE = {
    "kind": "iso27001",
    "issuer": "BSI",
    "reference": "IS 123456",
    "offering": None,
    "issued_on": "2024-09-01",
    "expires_on": "2027-08-31",
    "valid_today": True,
    "evidence_url": "https://example.org/certificate.pdf",
    "source_url": "",
    "source_note": "",
    "checked_on": "2026-11-20",
    "is_demo": True,
}
OFFERING_EXAMPLE = {
    "slug": "sarvam-deepseek-v4-flash",
    "url": f"{HOST}/offerings/sarvam-deepseek-v4-flash/",
    "name": "DeepSeek V4 Flash on Sarvam Token Factory",
    "provider": {
        "slug": "sarvam-ai",
        "name": "Sarvam AI",
        "ownership": "domestic",
        "headquarters_country": "IN",
    },
    "model_name": "deepseek-v4-flash",
    "model_family": "DeepSeek",
    "open_weights": True,
    "pricing_mode": "serverless",
    "gpu_type": "",
    "processing_regions": [REGION_EXAMPLE],
    "storage_regions": [REGION_EXAMPLE],
    "log_regions": [REGION_EXAMPLE],
    "context_window": 131072,
    "languages": ["en", "hi"],
    "p95_latency_ms": 1700,
    "sla_availability_pct": "99.000",
    "trains_on_customer_data": "no_contractual",
    "retention_days": 30,
    "india_processing_guaranteed": True,
    "deprecation_notice_days": 30,
    "shutdown_date": None,
    "pinned_snapshot": True,
    "litellm_key": None,
    "current_price": PRICE_EXAMPLE,
    "source_url": "https://docs.sarvam.ai/api/getting-started/pricing",
    "source_note": "latency, SLA and retention invented for the demo catalogue",
    "checked_on": "2026-09-20",
    "is_demo": True,
}
OFFERING_DETAIL_EXAMPLE = {
    **OFFERING_EXAMPLE,
    "prices": [PRICE_EXAMPLE],
    "evaluations": [
        {
            "use_case": "citizen_services",
            "language": "hi",
            "score": "81.50",
            "evaluator": "IndicEval Lab",
            "evaluator_accredited": True,
            "method": "Held-out citizen-services questions, human-graded",
            "evaluated_on": "2026-06-01",
            "valid_until": "2027-06-01",
            "evidence_url": "https://example.org/report.pdf",
            "source_url": "",
            "source_note": "",
            "checked_on": "2026-06-05",
            "is_demo": True,
        }
    ],
    "certifications": [CERTIFICATION_EXAMPLE],
}
PROVIDER_EXAMPLE = {
    "slug": "sarvam-ai",
    "url": f"{HOST}/providers/sarvam-ai/",
    "name": "Sarvam AI",
    "legal_name": "Sarvam AI Private Limited",
    "headquarters_country": "IN",
    "billing_country": "",
    "ownership": "domestic",
    "local_content_pct": "62.00",
    "mii_class": "Class-I",
    "mse_status": "none",
    "land_border_country": False,
    "dpiit_registered_until": None,
    "website": "https://www.sarvam.ai",
    "serverless_count": 3,
    "dedicated_count": 0,
    "hosts_in_india": True,
    "valid_certifications": [CERTIFICATION_EXAMPLE],
    "source_url": "https://www.sarvam.ai",
    "source_note": "local content % invented for the demo catalogue",
    "checked_on": "2026-09-20",
    "is_demo": True,
}
PROVIDER_DETAIL_EXAMPLE = {
    **PROVIDER_EXAMPLE,
    "description": "Indian full-stack generative AI company.",
    "offerings": [
        {
            "slug": "sarvam-deepseek-v4-flash",
            "url": f"{HOST}/offerings/sarvam-deepseek-v4-flash/",
            "name": "DeepSeek V4 Flash on Sarvam Token Factory",
            "model_name": "deepseek-v4-flash",
            "pricing_mode": "serverless",
            "is_demo": True,
        }
    ],
    "certifications": [CERTIFICATION_EXAMPLE],
}


@extend_schema_view(
    list=extend_schema(
        summary="List providers (public)",
        examples=[OpenApiExample("A page", page_of(PROVIDER_EXAMPLE), response_only=True)],
    ),
    retrieve=extend_schema(
        summary="A provider with its offerings and certifications (public)",
        examples=[OpenApiExample("Provider", PROVIDER_DETAIL_EXAMPLE, response_only=True)],
    ),
)
class ProviderViewSet(viewsets.ReadOnlyModelViewSet[Provider]):
    """Providers of AI inference. Filters as on the catalogue page; `?ordering=name`."""

    permission_classes = [permissions.AllowAny]  # the catalogue is public
    lookup_field = "slug"
    filterset_class = ProviderFilter
    ordering_fields = ["name", "local_content_pct", "headquarters_country"]

    def get_queryset(self) -> QuerySet[Provider]:
        today = timezone.localdate()
        if self.action == "retrieve":
            return selectors.provider_details(today)
        return selectors.provider_list(today)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Provider]]:
        return ProviderDetailSerializer if self.action == "retrieve" else ProviderSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List offerings with today's price (public)",
        examples=[OpenApiExample("A page", page_of(OFFERING_EXAMPLE), response_only=True)],
    ),
    retrieve=extend_schema(
        summary="An offering with its price history, evaluations and certifications (public)",
        examples=[OpenApiExample("Offering", OFFERING_DETAIL_EXAMPLE, response_only=True)],
    ),
)
class OfferingViewSet(viewsets.ReadOnlyModelViewSet[Offering]):
    """Offerings with the price in force today; the detail adds price history, evaluations and
    the certifications that cover the offering."""

    permission_classes = [permissions.AllowAny]  # the catalogue is public
    lookup_field = "slug"
    filterset_class = OfferingFilter
    ordering_fields = ["name", "provider__name", "context_window", "p95_latency_ms"]

    def get_queryset(self) -> QuerySet[Offering]:
        today = timezone.localdate()
        if self.action == "retrieve":
            return selectors.offering_details(today)
        return selectors.offering_list(today)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Offering]]:
        return OfferingDetailSerializer if self.action == "retrieve" else OfferingSerializer


FX_RATE_EXAMPLE = {
    "currency": "USD",
    "rate_to_inr": "91.0870",
    "date": "2026-04-28",
    "source_url": "https://www.rbi.org.in/scripts/ReferenceRateArchive.aspx",
    "source_note": "RBI reference rate",
    "checked_on": "2026-04-28",
    "is_demo": False,
}


@extend_schema_view(
    list=extend_schema(
        summary="Exchange rates to the rupee",
        description="Dated rates, each with its source. A comparison uses, for each currency, "
        "the latest rate dated on or before its decision date. Filter by `currency` and "
        "`date` (`date__gte`, `date__lte`); `ordering`: date, currency.",
        examples=[OpenApiExample("A page", page_of(FX_RATE_EXAMPLE), response_only=True)],
    )
)
class FxRateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[FxRate]):
    """Exchange rates to INR, as the comparisons use them."""

    permission_classes = [permissions.AllowAny]  # catalogue data: public
    serializer_class = FxRateSerializer
    queryset = FxRate.objects.all()
    filterset_fields = {"currency": ["exact"], "date": ["exact", "gte", "lte"]}
    ordering_fields = ["date", "currency"]
