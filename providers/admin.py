"""Django admin for the catalogue: every model searchable and filterable, evidence inline, and
read-only for everyone. The catalogue is shared by every department: it changes only through a
catalogue change proposed by one catalogue steward and approved by another (the admin's "Change
proposals", ``procurement.platform``), never by editing a row here."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from providers.models import (
    Certification,
    Evaluator,
    FxRate,
    Language,
    Offering,
    PriceRecord,
    Provider,
    QualityEvaluation,
    Region,
)

PROVENANCE_FIELDS = ("source_url", "source_note", "checked_on", "is_demo")


def _outside_link(url: str) -> str:
    """A stored address as an outside link (no referrer, no opener); only http(s) is a link."""
    if not url.startswith(("https://", "http://")):
        return url or "—"
    return format_html(
        '<a href="{}" rel="external noopener noreferrer" target="_blank">{}</a>', url, url
    )


def _address_fields(model: Any) -> set[str]:
    return {f.name for f in model._meta.get_fields() if isinstance(f, models.URLField)}


def _links(fields: Any, model: Any) -> Any:
    """``fields`` of a fieldset with each address field shown through its ``<name>_link``."""
    if isinstance(fields, (list, tuple)):
        return type(fields)(_links(f, model) for f in fields)
    return f"{fields}_link" if fields in _address_fields(model) else fields


class ReadOnly:
    """No adding, changing or deleting in the admin, whoever asks (superusers included).
    Address fields are shown as outside links, as everywhere else in the product."""

    model: Any

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        links = sorted(f"{name}_link" for name in _address_fields(self.model))
        return (*super().get_readonly_fields(request, obj), *links)  # type: ignore[misc]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        shown: list[Any] = []
        for name, options in fieldsets:
            fields = _links(options["fields"], self.model)
            # Without declared fields the links come twice: from the form and from the
            # read-only fields. Show each once.
            fields = [f for i, f in enumerate(fields) if f not in fields[:i]]
            shown.append((name, {**options, "fields": fields}))
        return shown

    @admin.display(description=_("Source URL"))
    def source_url_link(self, obj: Any) -> str:
        return _outside_link(obj.source_url)

    @admin.display(description=_("Website"))
    def website_link(self, obj: Any) -> str:
        return _outside_link(obj.website)

    @admin.display(description=_("Evidence URL"))
    def evidence_url_link(self, obj: Any) -> str:
        return _outside_link(obj.evidence_url)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Language)
class LanguageAdmin(ReadOnly, admin.ModelAdmin[Language]):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class CertificationInline(ReadOnly, admin.TabularInline[Certification, Provider]):
    model = Certification
    extra = 0
    fields = ("kind", "issuer", "offering", "issued_on", "expires_on", "evidence_url", "is_demo")


class OfferingInline(ReadOnly, admin.TabularInline[Offering, Provider]):
    model = Offering
    extra = 0
    fields = ("name", "model_name", "pricing_mode", "is_demo")
    show_change_link = True


@admin.register(Provider)
class ProviderAdmin(ReadOnly, admin.ModelAdmin[Provider]):
    list_display = (
        "name",
        "legal_name",
        "headquarters_country",
        "ownership",
        "local_content_pct",
        "mse_status",
        "land_border_country",
        "is_demo",
    )
    list_filter = (
        "ownership",
        "headquarters_country",
        "billing_country",
        "mse_status",
        "land_border_country",
        "is_demo",
    )
    search_fields = ("name", "legal_name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OfferingInline, CertificationInline]


@admin.register(Region)
class RegionAdmin(ReadOnly, admin.ModelAdmin[Region]):
    list_display = (
        "code",
        "name",
        "country",
        "city",
        "operator_name",
        "operator_ownership",
        "operator_country",
        "operator_type",
        "is_demo",
    )
    list_filter = ("country", "operator_ownership", "operator_type", "is_demo")
    search_fields = ("code", "name", "operator_name", "city")
    fieldsets = (
        (None, {"fields": ("code", "name", "country", "city", "operator_type")}),
        (
            _("Operator: who owns and controls the data-centre region"),
            {
                "fields": (
                    "operator_name",
                    "operator_ownership",
                    "operator_country",
                    "operator_source_note",
                    "operator_is_demo",
                )
            },
        ),
        (_("Source"), {"fields": ("source_url", "source_note", "checked_on", "is_demo")}),
    )


class PriceRecordInline(ReadOnly, admin.StackedInline[PriceRecord, Offering]):
    model = PriceRecord
    extra = 0
    fieldsets = (
        (None, {"fields": ("effective_from", "currency")}),
        (
            _("Serverless"),
            {"fields": ("input_per_mtok", "cached_input_per_mtok", "output_per_mtok")},
        ),
        (
            _("Dedicated"),
            {
                "fields": (
                    "gpu_hour_price",
                    "output_tokens_per_sec_per_gpu",
                    "gpus_per_node",
                    "min_gpus",
                )
            },
        ),
        (_("One-time"), {"fields": ("onboarding_fee", "exit_fee")}),
        (_("Provenance"), {"fields": PROVENANCE_FIELDS}),
    )


class QualityEvaluationInline(ReadOnly, admin.TabularInline[QualityEvaluation, Offering]):
    model = QualityEvaluation
    extra = 0
    fields = (
        "evaluator",
        "use_case",
        "language",
        "score",
        "evaluated_on",
        "valid_until",
        "is_demo",
    )
    autocomplete_fields = ("evaluator", "language")


@admin.register(Offering)
class OfferingAdmin(ReadOnly, admin.ModelAdmin[Offering]):
    list_display = ("name", "provider", "model_name", "pricing_mode", "open_weights", "is_demo")
    list_filter = (
        "pricing_mode",
        "open_weights",
        "provider__ownership",
        "trains_on_customer_data",
        "india_processing_guaranteed",
        "languages",
        "is_demo",
    )
    search_fields = ("name", "slug", "model_name", "model_family", "provider__name", "litellm_key")
    list_select_related = ("provider",)
    autocomplete_fields = ("provider",)
    filter_horizontal = ("processing_regions", "storage_regions", "log_regions", "languages")
    inlines = [PriceRecordInline, QualityEvaluationInline]


@admin.register(PriceRecord)
class PriceRecordAdmin(ReadOnly, admin.ModelAdmin[PriceRecord]):
    list_display = (
        "offering",
        "effective_from",
        "currency",
        "input_per_mtok",
        "output_per_mtok",
        "gpu_hour_price",
        "checked_on",
        "is_demo",
    )
    list_filter = ("currency", "offering__pricing_mode", "offering__provider", "is_demo")
    search_fields = ("offering__name", "offering__slug", "offering__provider__name", "source_url")
    list_select_related = ("offering__provider",)
    autocomplete_fields = ("offering",)
    date_hierarchy = "effective_from"


@admin.register(Certification)
class CertificationAdmin(ReadOnly, admin.ModelAdmin[Certification]):
    list_display = ("provider", "kind", "issuer", "offering", "issued_on", "expires_on", "is_demo")
    list_filter = ("kind", "provider", "is_demo")
    search_fields = ("provider__name", "issuer", "reference")
    list_select_related = ("provider", "offering__provider")
    autocomplete_fields = ("provider", "offering")


@admin.register(Evaluator)
class EvaluatorAdmin(ReadOnly, admin.ModelAdmin[Evaluator]):
    list_display = ("name", "accredited", "accreditation", "is_demo")
    list_filter = ("accredited", "is_demo")
    search_fields = ("name", "slug", "accreditation")


@admin.register(QualityEvaluation)
class QualityEvaluationAdmin(ReadOnly, admin.ModelAdmin[QualityEvaluation]):
    list_display = (
        "offering",
        "use_case",
        "language",
        "score",
        "evaluator",
        "evaluated_on",
        "valid_until",
        "is_demo",
    )
    list_filter = ("use_case", "language", "evaluator", "is_demo")
    search_fields = ("offering__name", "offering__provider__name", "method")
    list_select_related = ("offering__provider", "evaluator", "language")
    autocomplete_fields = ("offering", "evaluator", "language")


@admin.register(FxRate)
class FxRateAdmin(ReadOnly, admin.ModelAdmin[FxRate]):
    list_display = ("currency", "date", "rate_to_inr", "source_note", "is_demo")
    list_filter = ("currency", "is_demo")
    search_fields = ("currency", "source_url", "source_note")
    date_hierarchy = "date"
