"""Tenancy for the API, in one place: a base viewset that scopes every queryset by the caller's
department, a related-id field that resolves only within it, and the role check.

Both call ``selectors.visible_to()``, the one definition of what a caller may see, so another
department's object answers 404, and so does its id in a body, exactly as a missing one does.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from procurement import selectors


class RolePermission(permissions.IsAuthenticated):
    """Signed in, and holding the permission the view names for this action in
    ``action_permissions``, if any: refused (403) before the body is even read, as the pages
    do. The services check the same permission again; this only answers sooner."""

    message = gettext_lazy("Your role does not allow this.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        needed = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        return super().has_permission(request, view) and (
            needed is None or request.user.has_perm(needed)
        )


class DepartmentScopedViewSet(viewsets.GenericViewSet[Any]):
    """Base of every viewset over department-owned rows: the one place the API scopes them.

    ``get_queryset()`` keeps the rows of ``unscoped_queryset()`` visible to the caller, so
    list, retrieve, update and every detail action see only the caller's department's rows.
    Subclasses say which rows and joins in ``unscoped_queryset()`` (normally a selector's
    ``<x>_rows()``); overriding ``get_queryset()`` is an error at import time.
    """

    permission_classes = [RolePermission]
    action_permissions: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in vars(cls):
            raise TypeError(
                f"{cls.__name__} overrides get_queryset(), which scopes by department: "
                "override unscoped_queryset() instead."
            )

    def unscoped_queryset(self) -> QuerySet[Any]:
        """All rows with the joins this view needs; never filtered by department here."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.visible_to(self.request.user, self.unscoped_queryset())

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Filters and ordering are for lists; a detail is found by its id alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def parse(self, serializer_class: type[BaseSerializer[Any]]) -> dict[str, Any]:
        """The request body validated by ``serializer_class`` (400 with field errors if not)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        return data

    def created(self, data: Any, url: str) -> Response:
        # str(): DRF's Hyperlink is a str subclass, which strict WSGI servers refuse in headers.
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": str(url)})


class DepartmentScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField[Model]):
    """A related id resolved only among the rows visible to the caller.

    An id that names none of them is a 404 naming the field, as the object's own URL would
    answer: another department's id answers exactly as an id that does not exist, so a request
    cannot learn that it exists.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("pk_field", serializers.IntegerField(min_value=1))
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Model:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if any(getattr(d, "code", None) == "does_not_exist" for d in error.detail):
                what = self.get_queryset().model._meta.verbose_name
                raise exceptions.NotFound(
                    _("%(field)s: no %(what)s %(id)s in your department.")
                    % {"field": self.field_name, "what": what, "id": data}
                ) from None
            raise

    def get_queryset(self) -> QuerySet[Model]:
        rows = super().get_queryset()
        assert rows is not None, "give the field a queryset"
        return selectors.visible_to(self.context["request"].user, rows)


class PdfRenderer(BaseRenderer):
    """Declares the PDF a document action answers with; the bytes are sent as they are."""

    media_type = "application/pdf"
    format = "pdf"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> Any:
        return data


class FirstRendererNegotiation(BaseContentNegotiation):
    """Answer with the view's first renderer whatever the client accepts: errors are JSON and
    the PDF itself is an HttpResponse, so an `Accept: application/pdf` is not refused (406)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0]

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type
