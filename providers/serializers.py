"""Read-only representations of the catalogue for /api/v1/. Decimals travel as strings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from procurement import labels
from providers.models import (
    Certification,
    FxRate,
    Language,
    Offering,
    PriceRecord,
    Provider,
    QualityEvaluation,
    Region,
)
from providers.selectors import PricesInForce, covering_certifications

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PROVENANCE = ("source_url", "source_note", "checked_on", "is_demo")


class OperatorSerializer(serializers.ModelSerializer[Region]):
    """Who owns and controls the region, not who resells it: domestic infrastructure follows
    the operator. The catalogue file's ``operator`` object, read from the region's columns."""

    name = serializers.CharField(source="operator_name", read_only=True)
    ownership = serializers.ChoiceField(
        source="operator_ownership", choices=labels.OWNERSHIP.choices, read_only=True
    )
    country = serializers.CharField(
        source="operator_country", read_only=True, help_text=_("Country of incorporation.")
    )
    source_note = serializers.CharField(source="operator_source_note", read_only=True)
    is_demo = serializers.BooleanField(source="operator_is_demo", read_only=True)

    class Meta:
        model = Region
        fields = ("name", "ownership", "country", "source_note", "is_demo")


class RegionSerializer(serializers.ModelSerializer[Region]):
    operator = OperatorSerializer(source="*", read_only=True)

    class Meta:
        model = Region
        fields = ("code", "name", "operator", "country", "city", "operator_type", *PROVENANCE)


class PriceSerializer(serializers.ModelSerializer[PriceRecord]):
    class Meta:
        model = PriceRecord
        fields = (
            "effective_from",
            "currency",
            "input_per_mtok",
            "cached_input_per_mtok",
            "output_per_mtok",
            "gpu_hour_price",
            "output_tokens_per_sec_per_gpu",
            "gpus_per_node",
            "min_gpus",
            "onboarding_fee",
            "exit_fee",
            *PROVENANCE,
        )


class CertificationSerializer(serializers.ModelSerializer[Certification]):
    offering = serializers.SlugRelatedField[Offering](
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text=_("The offering it covers; null when it covers the whole provider."),
    )
    valid_today = serializers.SerializerMethodField()

    class Meta:
        model = Certification
        fields = (
            "kind",
            "issuer",
            "reference",
            "offering",
            "issued_on",
            "expires_on",
            "valid_today",
            "evidence_url",
            *PROVENANCE,
        )

    def get_valid_today(self, obj: Certification) -> bool:
        return obj.valid_on(timezone.localdate())


class EvaluationSerializer(serializers.ModelSerializer[QualityEvaluation]):
    language = serializers.CharField(source="language_id", read_only=True)
    evaluator = serializers.CharField(source="evaluator.name", read_only=True)
    evaluator_accredited = serializers.BooleanField(source="evaluator.accredited", read_only=True)

    class Meta:
        model = QualityEvaluation
        fields = (
            "use_case",
            "language",
            "score",
            "evaluator",
            "evaluator_accredited",
            "method",
            "evaluated_on",
            "valid_until",
            "evidence_url",
            *PROVENANCE,
        )


class ProviderRefSerializer(serializers.ModelSerializer[Provider]):
    class Meta:
        model = Provider
        fields = ("slug", "name", "ownership", "headquarters_country")


class OfferingSerializer(serializers.HyperlinkedModelSerializer[Offering]):
    url = serializers.HyperlinkedIdentityField(view_name="api:offering-detail", lookup_field="slug")
    provider = ProviderRefSerializer(read_only=True)
    processing_regions = RegionSerializer(many=True, read_only=True)
    storage_regions = RegionSerializer(many=True, read_only=True)
    log_regions = RegionSerializer(many=True, read_only=True)
    languages = serializers.SlugRelatedField[Language](
        slug_field="code", many=True, read_only=True, help_text=_("ISO 639-1 codes.")
    )
    current_price = serializers.SerializerMethodField(
        help_text=_("The price in force today (null if none).")
    )

    class Meta:
        model = Offering
        fields: tuple[str, ...] = (
            "slug",
            "url",
            "name",
            "provider",
            "model_name",
            "model_family",
            "open_weights",
            "pricing_mode",
            "gpu_type",
            "processing_regions",
            "storage_regions",
            "log_regions",
            "context_window",
            "languages",
            "p95_latency_ms",
            "sla_availability_pct",
            "trains_on_customer_data",
            "retention_days",
            "india_processing_guaranteed",
            "deprecation_notice_days",
            "shutdown_date",
            "pinned_snapshot",
            "litellm_key",
            "current_price",
            *PROVENANCE,
        )

    @extend_schema_field(PriceSerializer(allow_null=True))
    def get_current_price(
        self, obj: WithAnnotations[Offering, PricesInForce]
    ) -> dict[str, Any] | None:
        prices = obj.prices_in_force
        return PriceSerializer(prices[0]).data if prices else None


class OfferingDetailSerializer(OfferingSerializer):
    prices = PriceSerializer(many=True, read_only=True, help_text=_("Price history, newest first."))
    evaluations = EvaluationSerializer(many=True, read_only=True)
    certifications = serializers.SerializerMethodField(
        help_text=_("Provider-wide certifications and those scoped to this offering.")
    )

    class Meta(OfferingSerializer.Meta):
        fields = (*OfferingSerializer.Meta.fields, "prices", "evaluations", "certifications")

    @extend_schema_field(CertificationSerializer(many=True))
    def get_certifications(self, obj: Offering) -> list[dict[str, Any]]:
        return [CertificationSerializer(c).data for c in covering_certifications(obj)]


class OfferingRefSerializer(serializers.HyperlinkedModelSerializer[Offering]):
    url = serializers.HyperlinkedIdentityField(view_name="api:offering-detail", lookup_field="slug")

    class Meta:
        model = Offering
        fields = ("slug", "url", "name", "model_name", "pricing_mode", "is_demo")


class ProviderSerializer(serializers.HyperlinkedModelSerializer[Provider]):
    url = serializers.HyperlinkedIdentityField(view_name="api:provider-detail", lookup_field="slug")
    mii_class = serializers.CharField(
        read_only=True, help_text=_("Make-in-India class from local content.")
    )
    serverless_count = serializers.IntegerField(read_only=True)
    dedicated_count = serializers.IntegerField(read_only=True)
    hosts_in_india = serializers.BooleanField(
        read_only=True, help_text=_("Has an offering processed, stored and logged only in India.")
    )
    valid_certifications = CertificationSerializer(many=True, read_only=True)

    class Meta:
        model = Provider
        fields: tuple[str, ...] = (
            "slug",
            "url",
            "name",
            "legal_name",
            "headquarters_country",
            "billing_country",
            "ownership",
            "local_content_pct",
            "mii_class",
            "mse_status",
            "land_border_country",
            "dpiit_registered_until",
            "website",
            "serverless_count",
            "dedicated_count",
            "hosts_in_india",
            "valid_certifications",
            *PROVENANCE,
        )


class ProviderDetailSerializer(ProviderSerializer):
    offerings = OfferingRefSerializer(source="offerings_with_prices", many=True, read_only=True)
    certifications = CertificationSerializer(
        many=True, read_only=True, help_text=_("All certifications, valid and expired.")
    )

    class Meta(ProviderSerializer.Meta):
        fields = (*ProviderSerializer.Meta.fields, "description", "offerings", "certifications")


class FxRateSerializer(serializers.ModelSerializer[FxRate]):
    class Meta:
        model = FxRate
        fields = ("currency", "rate_to_inr", "date", *PROVENANCE)
