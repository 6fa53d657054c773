"""API plumbing shared by every app's REST API: the error shape, strict request bodies, the
OpenAPI schema's error answers, and list pages.

Errors: every 400 lists its messages by field (``{"field": ["message", …]}``, a nested field as
``languages[1]``, what belongs to no field under ``non_field_errors``); every other error is
``{"detail": "…"}``; a 429 adds ``retry_after``; when Redis (the cache and the task broker) cannot
be reached, a request that needed it answers a 503 that says so, never an HTML 500. A service's
Django ``ValidationError`` becomes such a 400 and its ``PermissionDenied`` a 403, so viewsets
only parse, call and render.

This module imports no app: the apps' ``api`` packages build on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction, OpenApiExample, OpenApiResponse
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


def page_of(item: Mapping[str, Any]) -> dict[str, Any]:
    """A one-item page of a list, as lists answer it: for the schema's examples."""
    return {"count": 1, "next": None, "previous": None, "results": [item]}


# Errors ---------------------------------------------------------------------------------------


def field_errors(detail: Any, path: str = "") -> dict[str, list[str]]:
    """An error detail as ``{"field": ["message", …]}``; nested fields as ``languages[1]``.

    Errors that belong to no field are listed under ``non_field_errors``.
    """
    if isinstance(detail, dict):
        errors: dict[str, list[str]] = {}
        for key, value in detail.items():
            key = NON_FIELD if key in (NON_FIELD_ERRORS, NON_FIELD) and not path else str(key)
            name = f"{path}[{key}]" if path and key.isdigit() else f"{path}.{key}" if path else key
            errors.update(field_errors(value, name))
        return errors
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        errors = {}
        for index, item in enumerate(detail):
            errors.update(field_errors(item, f"{path}[{index}]"))
        return errors
    messages = detail if isinstance(detail, list) else [detail]
    return {path or NON_FIELD: [str(message) for message in messages]}


class ServiceUnavailable(exceptions.APIException):
    """Redis (the cache, the request budgets, the task broker) cannot be reached."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = (
        "A service this request needs (the cache and task queue) is unreachable just now. "
        "Nothing was changed; try again in a minute."
    )
    default_code = "service_unavailable"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a service's ValidationError is a 400 with field-level messages, every
    400 lists its messages by field, a 429 says in its body when to retry, and Redis being
    unreachable is a 503."""
    if isinstance(exc, RedisError | BrokerError):
        exc = ServiceUnavailable()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = field_errors(response.data)
    elif response.status_code == status.HTTP_400_BAD_REQUEST:
        # A body that is not JSON at all: still the one shape of every 400.
        response.data = {NON_FIELD: [str(response.data["detail"])]}
    elif isinstance(exc, exceptions.Throttled):
        response.data["retry_after"] = getattr(exc, "wait", None)
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for a URL no route matches: JSON under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


# Request bodies -------------------------------------------------------------------------------


class StrictSerializer(serializers.Serializer[Any]):
    """A request body whose keys must all be writable fields: refuses any other key with its own
    message instead of ignoring it (a misspelt field silently dropped is a wrong record nobody
    notices). Put it before ``ModelSerializer`` to make a model serializer strict.
    """

    def to_internal_value(self, data: Any) -> Any:
        refused: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            for name in data:
                field = self.fields.get(name)
                if field is None:
                    refused[str(name)] = ["Unknown field."]
                elif field.read_only:
                    refused[str(name)] = ["Read-only field: the server sets it."]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if refused and isinstance(error.detail, dict):
                raise serializers.ValidationError({**refused, **error.detail}) from None
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value


class EmptyRequestSerializer(StrictSerializer):
    """For actions that take no body: any field sent is refused."""


# Error bodies, as the schema documents them ----------------------------------------------------


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="What went wrong, in plain words.")


class ThrottledSerializer(ErrorSerializer):
    retry_after = serializers.IntegerField(
        help_text="Seconds to wait before the next request (also in the Retry-After header)."
    )


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Messages by field; `non_field_errors` for those of no single field. A "
    "nested field is named like `languages[1]`.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERRORS = {
    "400": OpenApiResponse(
        VALIDATION_ERROR_SCHEMA,
        "Bad input: messages by field.",
        [
            OpenApiExample(
                "Field errors",
                {
                    "requests_per_day": ["Enter from 1 to 1,00,00,00,000 requests a day."],
                    "languages[1]": ["Use a two-letter ISO 639-1 code, e.g. hi."],
                    "colour": ["Unknown field."],
                },
            )
        ],
    ),
    "401": OpenApiResponse(
        ErrorSerializer,
        "No credentials, or a key that is not valid (`WWW-Authenticate: Api-Key`).",
        [OpenApiExample("No key", {"detail": "Authentication credentials were not provided."})],
    ),
    "403": OpenApiResponse(
        ErrorSerializer,
        "The caller's roles do not allow this (e.g. the proposer approving its own award).",
        [
            OpenApiExample(
                "Maker-checker",
                {"detail": "The officer who proposed an award cannot also approve it."},
            )
        ],
    ),
    "404": OpenApiResponse(
        ErrorSerializer,
        "No such object in your department (another department's answers the same), or no such "
        "page of a list.",
        [OpenApiExample("Missing", {"detail": "No Workload matches the given query."})],
    ),
    "415": OpenApiResponse(
        ErrorSerializer,
        "The body is not `application/json`.",
        [
            OpenApiExample(
                "Form data", {"detail": 'Unsupported media type "text/plain" in request.'}
            )
        ],
    ),
    "429": OpenApiResponse(
        ThrottledSerializer,
        "Too many requests: retry after `retry_after` seconds (also the Retry-After header).",
        [
            OpenApiExample(
                "Throttled",
                {
                    "detail": "Request was throttled. Expected available in 12 seconds.",
                    "retry_after": 12,
                },
            )
        ],
    ),
    "503": OpenApiResponse(
        ErrorSerializer,
        "Redis (the request budgets, the task queue) is unreachable: the change was refused and "
        "nothing was changed; reads still answer.",
        [
            OpenApiExample(
                "Redis unreachable",
                {
                    "detail": "The service that counts request budgets is unreachable, so changes "
                    "are refused for now (reading still works). Nothing was changed; try again in "
                    "a minute."
                },
            )
        ],
    ),
}


class APIAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the error answers each operation can give documented.

    DRF imports this class (``DEFAULT_SCHEMA_CLASS``) while the apps' viewsets are being
    decorated, which is one reason this module imports none of them.
    """

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                # Called through the class: drf-spectacular's own methods carry no annotations.
                responses[code] = AutoSchema._get_response_for_code(
                    self, ERRORS[code], code, direction=direction
                )
        return responses

    def _error_codes(self) -> list[str]:
        public = all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        codes = ["401", "429"]  # a bad key is refused even on public routes
        if not public:
            codes.append("403")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "415"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("503")
        elif self._is_list_view():
            codes.append("400")
        if "{" in self.path or self._is_list_view():
            codes.append("404")
        return codes
