"""The API's list filters (django-filter), documented in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from procurement import labels
from procurement.models import Comparison, Decision, JustificationDocument, PolicyPack, Workload


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id in a query string: a whole number (a list filtered by another department's id is
    empty, as for a missing one, because the list is scoped first)."""

    field_class = forms.IntegerField


class WorkloadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Title or description contains"))
    status = django_filters.ChoiceFilter(choices=Workload.Status.choices)
    use_case = django_filters.ChoiceFilter(choices=labels.USE_CASE.choices)

    class Meta:
        model = Workload
        fields = ["status", "use_case"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class ComparisonFilter(django_filters.FilterSet):
    workload = IdFilter(field_name="workload_id", label=_("Workload id"))
    mechanism = django_filters.CharFilter(label=_("Award mechanism, e.g. l1 or transition_premium"))
    decided_after = django_filters.DateFilter(field_name="decision_date", lookup_expr="gte")
    decided_before = django_filters.DateFilter(field_name="decision_date", lookup_expr="lte")

    class Meta:
        model = Comparison
        fields = ["workload", "mechanism"]


class DecisionFilter(django_filters.FilterSet):
    comparison = IdFilter(field_name="comparison_id", label=_("Comparison id"))
    status = django_filters.ChoiceFilter(choices=Decision.Status.choices)

    class Meta:
        model = Decision
        fields = ["comparison", "status"]


class DocumentFilter(django_filters.FilterSet):
    comparison = IdFilter(field_name="comparison_id", label=_("Comparison id"))
    status = django_filters.ChoiceFilter(choices=JustificationDocument.Status.choices)

    class Meta:
        model = JustificationDocument
        fields = ["comparison", "status"]


class PolicyPackFilter(django_filters.FilterSet):
    class Meta:
        model = PolicyPack
        fields = ["slug", "status"]
