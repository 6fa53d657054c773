"""The API's query strings, read as strictly as the schema writes them: filters, ordering and
page numbers a schema would refuse are a 400 naming the parameter, never ignored or a 404.

Set in ``REST_FRAMEWORK`` (a module of its own: django-filter's backend imports DRF's generic
views, which import ``config.api`` through DRF's settings). Imports no app.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from config.dates import ISO_DATE


def _refuse(name: str, message: str) -> None:
    raise exceptions.ValidationError({name: [message]})


def one_value(request: Request, name: str) -> str:
    """The parameter's value; a parameter given twice is refused (which one was meant?)."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        _refuse(name, _("Give this parameter once."))
    return str(values[0])


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, with the query string read as strictly as the schema writes it:
    an empty value is refused unless the filter searches text (``?decided_before=`` is not "no
    date"), a date is exactly ``YYYY-MM-DD``, a boolean ``true`` or ``false``, an id a whole
    number; django-filter's forms then check choices and ranges (400 with the parameter's name).
    """

    def filter_queryset(self, request: Request, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            filters = filterset_class.base_filters
            for name in request.query_params:
                if name in filters:
                    self.check(name, filters[name], one_value(request, name))
        return super().filter_queryset(request, queryset, view)

    @staticmethod
    def check(name: str, query_filter: django_filters.Filter, value: str) -> None:
        if isinstance(query_filter, django_filters.CharFilter) and not isinstance(
            query_filter, django_filters.ChoiceFilter
        ):
            return
        if value == "":
            _refuse(name, _("Give a value, or leave the parameter out."))
        if isinstance(query_filter, django_filters.DateFilter) and not ISO_DATE.fullmatch(value):
            _refuse(name, _("Enter a date as YYYY-MM-DD."))
        if isinstance(query_filter, django_filters.BooleanFilter) and value not in BOOLEAN:
            _refuse(name, _("Enter true or false."))
        if isinstance(query_filter, django_filters.NumberFilter) and not WHOLE.fullmatch(value):
            _refuse(name, _("Enter a whole number."))


BOOLEAN = ("true", "false")
WHOLE = re.compile(r"-?\d+")


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering by one field (``-`` to reverse), refusing (400) any other value instead
    of ignoring it; the schema lists the values."""

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> Any:
        if self.ordering_param not in request.query_params:
            return self.get_default_ordering(view)
        value = one_value(request, self.ordering_param)
        choices = self.choices(view)
        if value not in choices:
            _refuse(
                self.ordering_param,
                _("Order by one of: %(choices)s.") % {"choices": ", ".join(choices)},
            )
        return [value]

    @staticmethod
    def choices(view: Any) -> list[str]:
        names = list(getattr(view, "ordering_fields", None) or ())
        return [*names, *(f"-{name}" for name in names)]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["enum"] = self.choices(view)
            parameter["description"] = "The field to order by; prefix `-` to reverse."
        return parameters


class StrictPageNumberPagination(PageNumberPagination):
    """DRF's pages, with a page number that is not a whole number from 1 refused (400), not
    answered as a missing page; a page past the end is still a 404."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        given = self.page_query_param in request.query_params
        number = one_value(request, self.page_query_param) if given else None
        if number is not None and not (number.isascii() and number.isdigit() and int(number)):
            _refuse(self.page_query_param, _("Enter a page number from 1."))
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
