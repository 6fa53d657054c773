"""Catalogue filters, shared by the pages and the API so both answer the same way."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from procurement import labels
from providers.models import Language, Offering, Provider, QualityEvaluation
from providers.selectors import valid_certifications


class BootstrapFilterForm(forms.Form):
    """Filter forms styled with Bootstrap's form classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


@extend_schema_field(OpenApiTypes.BOOL)
class MethodBooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter computed by a method, which the OpenAPI schema cannot read its type
    from: documented as the boolean it is (the API takes only true or false)."""


def language_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        queryset=Language.objects.all(),
        to_field_name="code",
        method="filter_language",
        label=_("Language"),
        help_text=_("ISO 639-1 code, e.g. hi."),
    )


class ProviderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name"))
    ownership = django_filters.ChoiceFilter(choices=labels.OWNERSHIP.choices, label=_("Ownership"))
    hosted_in_india = MethodBooleanFilter(
        method="filter_hosted_in_india",
        label=_("Hosted in India"),
        help_text=_("Has an offering processed, stored and logged only in India."),
    )
    certification = django_filters.ChoiceFilter(
        choices=labels.CERTIFICATION_KIND.choices,
        method="filter_certification",
        label=_("Certification"),
        help_text=_("Holds this certification, valid today."),
    )
    pricing_mode = django_filters.ChoiceFilter(
        choices=labels.PRICING_MODE.choices,
        method="filter_pricing_mode",
        label=_("Pricing mode"),
    )
    language = language_filter()

    class Meta:
        model = Provider
        fields = ["ownership"]
        form = BootstrapFilterForm

    def filter_q(self, queryset: QuerySet[Provider], name: str, value: str) -> QuerySet[Provider]:
        return queryset.filter(Q(name__icontains=value) | Q(legal_name__icontains=value))

    def filter_hosted_in_india(
        self, queryset: QuerySet[Provider], name: str, value: bool | None
    ) -> QuerySet[Provider]:
        hosted = Exists(Offering.objects.hosted_in_india().filter(provider=OuterRef("pk")))
        return queryset.filter(hosted) if value else queryset.exclude(hosted)

    def filter_certification(
        self, queryset: QuerySet[Provider], name: str, value: str
    ) -> QuerySet[Provider]:
        today = timezone.localdate()
        held = valid_certifications(today).filter(provider=OuterRef("pk"), kind=value)
        return queryset.filter(Exists(held))

    def filter_pricing_mode(
        self, queryset: QuerySet[Provider], name: str, value: str
    ) -> QuerySet[Provider]:
        offers = Offering.objects.filter(provider=OuterRef("pk"), pricing_mode=value)
        return queryset.filter(Exists(offers))

    def filter_language(
        self, queryset: QuerySet[Provider], name: str, value: Language
    ) -> QuerySet[Provider]:
        offers = Offering.objects.filter(provider=OuterRef("pk"), languages=value)
        return queryset.filter(Exists(offers))


class OfferingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or model"))
    provider = django_filters.CharFilter(field_name="provider__slug", label=_("Provider (slug)"))
    ownership = django_filters.ChoiceFilter(
        field_name="provider__ownership",
        choices=labels.OWNERSHIP.choices,
        label=_("Provider ownership"),
    )
    pricing_mode = django_filters.ChoiceFilter(
        choices=labels.PRICING_MODE.choices, label=_("Pricing mode")
    )
    open_weights = django_filters.BooleanFilter(label=_("Open weights"))
    hosted_in_india = MethodBooleanFilter(
        method="filter_hosted_in_india",
        label=_("Hosted in India"),
        help_text=_("Prompts processed, data and logs stored only in India."),
    )
    language = language_filter()
    certification = django_filters.ChoiceFilter(
        choices=labels.CERTIFICATION_KIND.choices,
        method="filter_certification",
        label=_("Certification"),
        help_text=_(
            "Covered by this certification, valid today (provider-wide or for the offering)."
        ),
    )
    use_case = django_filters.ChoiceFilter(
        choices=labels.USE_CASE.choices,
        method="filter_use_case",
        label=_("Evaluated for"),
        help_text=_("Has a quality evaluation for this use case."),
    )

    class Meta:
        model = Offering
        fields = ["pricing_mode", "open_weights"]
        form = BootstrapFilterForm

    def filter_q(self, queryset: QuerySet[Offering], name: str, value: str) -> QuerySet[Offering]:
        return queryset.filter(
            Q(name__icontains=value)
            | Q(model_name__icontains=value)
            | Q(model_family__icontains=value)
            | Q(provider__name__icontains=value)
        )

    def filter_hosted_in_india(
        self, queryset: QuerySet[Offering], name: str, value: bool | None
    ) -> QuerySet[Offering]:
        hosted = Offering.objects.hosted_in_india().values("pk")
        return queryset.filter(pk__in=hosted) if value else queryset.exclude(pk__in=hosted)

    def filter_language(
        self, queryset: QuerySet[Offering], name: str, value: Language
    ) -> QuerySet[Offering]:
        speaks = Offering.languages.through.objects.filter(offering=OuterRef("pk"), language=value)
        return queryset.filter(Exists(speaks))

    def filter_certification(
        self, queryset: QuerySet[Offering], name: str, value: str
    ) -> QuerySet[Offering]:
        today = timezone.localdate()
        covering = valid_certifications(today).filter(
            Q(offering__isnull=True) | Q(offering=OuterRef("pk")),
            provider=OuterRef("provider"),
            kind=value,
        )
        return queryset.filter(Exists(covering))

    def filter_use_case(
        self, queryset: QuerySet[Offering], name: str, value: str
    ) -> QuerySet[Offering]:
        evaluated = QualityEvaluation.objects.filter(offering=OuterRef("pk"), use_case=value)
        return queryset.filter(Exists(evaluated))
