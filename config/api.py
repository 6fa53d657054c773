"""API plumbing shared by every app's REST API: the error shape, strict request bodies, the
OpenAPI schema's error answers, and list pages.

Errors: every 400 lists its messages by field (``{"field": ["message", …]}``, a nested field as
``languages[1]``, what belongs to no field under ``non_field_errors``); every other error is
``{"detail": "…"}``; a 429 adds ``retry_after``. A service's Django ``ValidationError`` becomes
such a 400, or a 409 when its code is ``"conflict"`` (a rule of the product that the object's
state refuses: an archived workload edited, a decision decided twice), and its
``PermissionDenied`` a 403, so viewsets only parse, call and render. Under /api/ a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a JSON 413 and an unhandled error a JSON 500 (``bad_request``
and ``server_error``, Django's handlers); elsewhere the same answers are HTML pages. When Redis
(the cache and the task broker) cannot be reached, a request that needed it answers a 503 that
says so, never an HTML 500.

This module imports no app: the apps' ``api`` packages build on it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import Direction, OpenApiExample, OpenApiResponse
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.dates import ISO_DATE

NON_FIELD = "non_field_errors"
CONFLICT = "conflict"  # the code of a service's ValidationError that is a 409, not a 400


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
    default_detail = gettext_lazy(
        "A service this request needs (the cache and task queue) is unreachable just now. "
        "Nothing was changed; try again in a minute."
    )
    default_code = "service_unavailable"


def is_conflict(error: DjangoValidationError) -> bool:
    """Whether a service refused because of the object's state (a 409), not the input (a 400):
    every one of its errors has the code ``"conflict"``."""
    errors = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return all(e.code == CONFLICT for group in errors for e in group)


def conflict_detail(error: DjangoValidationError) -> str:
    """A conflict's messages in words, each after the field it concerns when it has one."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        message if field == NON_FIELD_ERRORS else f"{field}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    )


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a service's ValidationError is a 400 with field-level messages (a
    409 with its rule in words when it is a conflict), every 400 lists its messages by field, a
    body over the size limit is a 413, a 429 says in its body when to retry, and Redis being
    unreachable is a 503."""
    if isinstance(exc, RedisError | BrokerError):
        exc = ServiceUnavailable()
    if isinstance(exc, DjangoValidationError) and is_conflict(exc):
        return Response({"detail": conflict_detail(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": too_big_message()}, status=413)
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


def too_big_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _("The request body is larger than %(limit)s bytes, the most this server reads.") % {
        "limit": f"{limit:,}"
    }


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for a URL no route matches: JSON under /api/, the HTML page elsewhere."""
    if _api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400, for a request it refuses before any view: a body over the size limit is a
    413 (JSON under /api/, a page saying so elsewhere); anything else Django's 400."""
    if isinstance(exception, RequestDataTooBig):
        if _api(request):
            return JsonResponse({"detail": too_big_message()}, status=413)
        context = {"message": too_big_message()}
        return render(request, "too_large.html", context, status=413)
    if _api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500: JSON under /api/, the HTML page elsewhere."""
    if _api(request):
        return JsonResponse(
            {"detail": _("Server error: the request failed on our side.")},
            status=500,
        )
    return defaults.server_error(request)


# Request bodies -------------------------------------------------------------------------------


class StrictDateField(serializers.DateField):
    """A date written exactly ``YYYY-MM-DD`` (DRF's own also takes ``2026-1-1`` and
    ``20260101``). Given ``years`` (first and last, both whole), the schema's pattern states
    them; the field's validators check the exact range."""

    def __init__(self, *, years: tuple[int, int] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pattern = (
            rf"^(?:{whole_numbers(*years)})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$"
            if years
            else None
        )

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class StrictDateFieldExtension(OpenApiSerializerFieldExtension):
    target_class = StrictDateField

    def map_serializer_field(self, auto_schema: Any, direction: Direction) -> dict[str, Any]:
        schema = {"type": "string", "format": "date"}
        if self.target.pattern:
            schema["pattern"] = self.target.pattern
        return schema


class StrictDateTimeField(serializers.DateTimeField):
    """A moment of 2000–2099, ISO 8601 with its offset (``2026-12-19T15:00:00+05:30``): the
    schema's pattern states the years, so no moment it allows falls outside what Python's
    datetime holds once converted to Indian time."""

    pattern = r"^20\d\d-"

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not re.match(self.pattern, value):
            self.fail("invalid", format=_("YYYY-MM-DDThh:mm:ss+05:30, in 2000–2099"))
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("invalid", format=_("YYYY-MM-DDThh:mm:ss+05:30, in 2000–2099"))


class StrictDateTimeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = StrictDateTimeField

    def map_serializer_field(self, auto_schema: Any, direction: Direction) -> dict[str, Any]:
        return {"type": "string", "format": "date-time", "pattern": self.target.pattern}


# Decimal strings, their range in their pattern -------------------------------------------------


def _same_length(low: str, high: str) -> str:
    """A regular expression for the whole numbers from ``low`` to ``high``, of equal length."""
    if low == high:
        return low
    rest = len(low) - 1
    if low[1:] == "0" * rest and high[1:] == "9" * rest:
        return f"[{low[0]}-{high[0]}]" + (rf"\d{{{rest}}}" if rest else "")
    if low[0] == high[0]:
        return f"{low[0]}(?:{_same_length(low[1:], high[1:])})"
    parts = [f"{low[0]}(?:{_same_length(low[1:], '9' * rest)})"]
    if int(low[0]) + 1 <= int(high[0]) - 1:
        parts.append(f"[{int(low[0]) + 1}-{int(high[0]) - 1}]\\d{{{rest}}}")
    parts.append(f"{high[0]}(?:{_same_length('0' * rest, high[1:])})")
    return "|".join(parts)


def whole_numbers(low: int, high: int) -> str:
    """A regular expression for the whole numbers from ``low`` to ``high`` (0 ≤ low ≤ high),
    written without leading zeros."""
    parts = []
    while low <= high:
        top = min(high, 10 ** len(str(low)) - 1)
        parts.append(_same_length(str(low), str(top)))
        low = top + 1
    return "|".join(parts)


def decimal_pattern(low: Decimal, high: Decimal, places: int) -> str:
    """The decimal strings from ``low`` to ``high`` with at most ``places`` decimals, as one
    regular expression (``low`` whole; ``high`` whole or the largest value of its places)."""
    assert low == low.to_integral_value(), low
    any_fraction = rf"(?:\.\d{{1,{places}}})?"
    zero_fraction = rf"(?:\.0{{1,{places}}})?"

    def up_to(top: Decimal, start: int) -> str:
        if top == top.to_integral_value():
            below = f"(?:{whole_numbers(start, int(top) - 1)}){any_fraction}" if top > start else ""
            return "|".join(filter(None, [below, f"{int(top)}{zero_fraction}"]))
        assert (top + Decimal(1).scaleb(-places)) % 1 == 0, top
        return f"(?:{whole_numbers(start, int(top))}){any_fraction}"

    alternatives = [up_to(high, max(int(low), 0))] if high >= 0 else []
    if low < 0:
        alternatives.append(f"-(?:{up_to(-low, 0)})")
    return "^(?:" + "|".join(alternatives) + ")$"


class RangedDecimalField(serializers.DecimalField):
    """A decimal string whose range the schema states in its pattern (OpenAPI has no range for
    strings): ``min_value`` and ``max_value`` are required, and a string outside the pattern
    (``1e2``, ``+5``, ``05``, ``""``) is refused, with DRF's message when it has one (not a
    number, too many places, out of range), else saying how to write it (null is null)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        assert self.min_value is not None and self.max_value is not None
        self.pattern = decimal_pattern(
            Decimal(self.min_value), Decimal(self.max_value), self.decimal_places or 0
        )

    def validate_empty_values(self, data: Any) -> Any:
        # Before DRF's, which takes "" for null: null is written null.
        if isinstance(data, str) and not re.fullmatch(self.pattern, data):
            super().to_internal_value(data)  # DRF's own message, when it has one
            self.run_validators(Decimal(data))
            raise serializers.ValidationError(
                _(
                    "Write the number with digits and at most one point, e.g. 12.50 "
                    "(no plus sign, exponent or leading zero): %(value)s."
                )
                % {"value": repr(data)}
            )
        return super().validate_empty_values(data)


class RangedDecimalFieldExtension(OpenApiSerializerFieldExtension):
    target_class = RangedDecimalField

    def map_serializer_field(self, auto_schema: Any, direction: Direction) -> dict[str, Any]:
        field = self.target
        return {"type": "string", "format": "decimal", "pattern": field.pattern}


def json_type_error(field: serializers.Field[Any, Any, Any, Any], value: Any) -> Any:
    """Why ``value``, as JSON gave it, is not of the type the schema gives ``field``, as DRF
    details its errors (a list of messages; by index for a list's items); None when it is. DRF
    would coerce: ``0`` to false, ``5`` to ``"5"``, ``"5"`` to 5."""
    if value is None:
        return None  # the field's own allow_null decides
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return [_("Must be a list.")]
        items = {i: json_type_error(field.child, item) for i, item in enumerate(value)}
        return {i: problem for i, problem in items.items() if problem} or None
    problem = _scalar_type_error(field, value)
    return [problem] if problem else None


def _scalar_type_error(field: serializers.Field[Any, Any, Any, Any], value: Any) -> str | None:
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else _("Must be true or false.")
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        whole = isinstance(value, int) and not isinstance(value, bool)
        return None if whole else _("Must be a whole number.")
    if isinstance(field, serializers.DecimalField):
        return None if isinstance(value, str) else _('Must be a decimal string, e.g. "12.50".')
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DateField):
        return None if isinstance(value, str) else _("Must be a string.")
    return None


class StrictSerializer(serializers.Serializer[Any]):
    """A request body whose keys must all be writable fields, each of the JSON type the schema
    gives it: refuses any other key with its own message instead of ignoring it (a misspelt
    field silently dropped is a wrong record nobody notices), and a value of another type
    instead of coercing it. Put it before ``ModelSerializer`` to make a model serializer strict.
    """

    def to_internal_value(self, data: Any) -> Any:
        refused: dict[str, Any] = {}
        if isinstance(data, Mapping):
            for name, value in data.items():
                field = self.fields.get(name)
                if field is None:
                    refused[str(name)] = [_("Unknown field.")]
                elif field.read_only:
                    refused[str(name)] = [_("Read-only field: the server sets it.")]
                elif problem := json_type_error(field, value):
                    refused[str(name)] = problem
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if refused and isinstance(error.detail, dict):
                others = {k: v for k, v in error.detail.items() if k not in refused}
                raise serializers.ValidationError({**refused, **others}) from None
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value


class EmptyRequestSerializer(StrictSerializer):
    """For actions that take no body: any field sent is refused."""


# Error bodies, as the schema documents them ----------------------------------------------------


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=gettext_lazy("What went wrong, in plain words."))


class ThrottledSerializer(ErrorSerializer):
    retry_after = serializers.IntegerField(
        help_text=gettext_lazy(
            "Seconds to wait before the next request (also in the Retry-After header)."
        )
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
        "No such object in your department (another department's answers the same), an id in "
        'the body that names none (`{"detail": "workload: no workload 7 in your '
        'department."}`), or no such page of a list.',
        [OpenApiExample("Missing", {"detail": "No Workload matches the given query."})],
    ),
    "409": OpenApiResponse(
        ErrorSerializer,
        "A rule of the product that the object's state refuses, in words: an archived workload "
        "edited or compared, a second live proposal for one comparison, a decision decided twice.",
        [
            OpenApiExample(
                "Archived",
                {"detail": "An archived workload cannot be edited: restore it first, or copy it."},
            )
        ],
    ),
    "413": OpenApiResponse(
        ErrorSerializer,
        "The body is larger than the server reads (`DATA_UPLOAD_MAX_MEMORY_SIZE`).",
        [
            OpenApiExample(
                "Too large",
                {
                    "detail": "The request body is larger than 2,621,440 bytes, the most this "
                    "server reads."
                },
            )
        ],
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
            codes += ["400", "413", "415"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("503")
        elif self._is_list_view():
            codes.append("400")
        if "{" in self.path or self._is_list_view() or self._names_related_ids():
            codes.append("404")
        if getattr(self.view, "action", None) in getattr(self.view, "conflict_actions", ()):
            codes.append("409")
        return codes

    def _names_related_ids(self) -> bool:
        """Whether the request body names other objects by id (a 404 when it names none)."""
        if self.method != "POST":
            return False
        fields = getattr(force_instance(self.get_request_serializer()), "fields", {})
        return any(
            isinstance(f, serializers.RelatedField) and not f.read_only for f in fields.values()
        )


def strict_request_bodies(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every request body refuses keys it does not list
    (``additionalProperties: false``), as ``StrictSerializer`` does; every request component
    (``…Request``) of this API is one."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
