"""JSON ⇄ dataclasses, driven by type hints, and the JSON Schema derived from the same hints.

One description of each input and result type (its dataclass) gives the parser, the serialiser
and the schema, so the three cannot drift apart. Supported field types: ``str``, ``int``, ``bool``,
``Decimal`` (JSON string, fixed-point), ``datetime.date`` (JSON string, ``YYYY-MM-DD``),
``Literal[...]`` of strings, ``X | None``, ``tuple[X, ...]``, nested frozen dataclasses, and unions
of dataclasses told apart by a ``kind`` literal. Floats are refused for exact values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import re
import types
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Literal, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from procurement.engine.errors import EngineValidationError, FieldError
from procurement.engine.i18n import _
from procurement.engine.numbers import ENGINE_CONTEXT, decimal_to_str

T = TypeVar("T")

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]

DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DECIMAL_RE = re.compile(DECIMAL_PATTERN)
_DATE_RE = re.compile(DATE_PATTERN)


_NORMALISE_CONTEXT = ENGINE_CONTEXT


class _Invalid:
    """Marker for a value that failed to parse (its error is already recorded)."""


INVALID = _Invalid()


@cache
def field_types(cls: type) -> dict[str, Any]:
    """Resolved type hints of a dataclass's fields (cached)."""
    return get_type_hints(cls)


@cache
def field_names(cls: type) -> tuple[str, ...]:
    """The names of a dataclass's fields, in order (cached: ``dataclasses.fields`` walks the
    class each time, and serialising a comparison asks for them tens of thousands of times)."""
    return tuple(f.name for f in dataclasses.fields(cls))


@cache
def _field_specs(cls: type) -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(cls)}


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _union_members(tp: Any) -> tuple[Any, ...]:
    return tuple(a for a in get_args(tp) if a is not type(None))


# --------------------------------------------------------------------------- serialising


def to_jsonable(value: object, *, normalise: bool = False) -> JsonValue:
    """A JSON-ready tree of ``value``: dicts, lists, str, int, bool, None — never a float.

    ``normalise`` writes Decimals without trailing zeros (used for inputs, so equal values hash
    equally); results keep the exponent the engine gave them.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return decimal_to_str(value, normalise=normalise)
    if isinstance(value, dt.datetime):
        raise TypeError("datetimes are not engine values; pass a date")
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            name: to_jsonable(getattr(value, name), normalise=normalise)
            for name in field_names(type(value))
        }
    if isinstance(value, tuple | list):
        return [to_jsonable(v, normalise=normalise) for v in value]
    if isinstance(value, float):
        raise TypeError("floats are not serialised: use Decimal, or a string for estimates")
    raise TypeError(f"cannot serialise {type(value).__name__}")


def normalise_decimals(value: T) -> T:
    """A copy of a dataclass tree with every Decimal written without trailing zeros
    (``Decimal("91.0870")`` → ``Decimal("91.087")``). Equal inputs then give identical results
    however their decimals were written, so a snapshot replays to the same text."""
    return cast(T, _normalise(value))


def _normalise(value: object) -> object:
    # Returns the very same object when nothing changes, so canonical inputs cost no copies.
    if isinstance(value, Decimal):
        if value.is_zero():
            return value if value.as_tuple() == _ZERO_TUPLE else Decimal(0)
        normal = value.normalize(_NORMALISE_CONTEXT)
        return value if normal.as_tuple() == value.as_tuple() else normal
    if isinstance(value, tuple):
        items = tuple(_normalise(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for name in _nested_fields(type(value)):
            old = getattr(value, name)
            new = _normalise(old)
            if new is not old:
                changes[name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


_ZERO_TUPLE = Decimal(0).as_tuple()


@cache
def _nested_fields(cls: type) -> tuple[str, ...]:
    """Fields of ``cls`` that can hold a Decimal (directly, in a tuple or in a dataclass): the
    only ones normalisation has to visit. Text, dates, numbers and flags are skipped."""
    plain = (str, int, bool, dt.date, type(None))
    names = []
    for f in dataclasses.fields(cls):
        hint = field_types(cls)[f.name]
        members = _union_members(hint) if _is_union(hint) else (hint,)
        if not all(m in plain or get_origin(m) is Literal for m in members):
            names.append(f.name)
    return tuple(names)


# --------------------------------------------------------------------------- parsing


def parse_as(cls: type[T], data: object, path: str) -> T:
    """Parse JSON-like ``data`` into ``cls``; raise :class:`EngineValidationError` listing every
    problem, each with its field path (``path`` names the root, e.g. ``"workload"``)."""
    errors: list[FieldError] = []
    value = parse_value(cls, data, path, errors)
    if errors or isinstance(value, _Invalid):
        raise EngineValidationError(errors or [FieldError(path, _("is invalid"))])
    return cast(T, value)


def parse_value(tp: Any, data: object, path: str, errors: list[FieldError]) -> Any:
    """Parse one value of type ``tp``; record problems in ``errors`` and return INVALID."""
    if _is_union(tp):
        return _parse_union(tp, data, path, errors)
    origin = get_origin(tp)
    if origin is Literal:
        return _parse_literal(get_args(tp), data, path, errors)
    if origin is tuple:
        return _parse_tuple(tp, data, path, errors)
    if tp is bool:
        if isinstance(data, bool):
            return data
        errors.append(FieldError(path, _("must be true or false")))
        return INVALID
    if tp is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        errors.append(FieldError(path, _("must be a whole number")))
        return INVALID
    if tp is str:
        if isinstance(data, str):
            return data
        errors.append(FieldError(path, _("must be text")))
        return INVALID
    if tp is Decimal:
        return _parse_decimal(data, path, errors)
    if tp is dt.date:
        return _parse_date(data, path, errors)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _parse_dataclass(tp, data, path, errors)
    raise TypeError(f"unsupported type {tp!r} at {path}")


def _parse_literal(
    allowed: tuple[object, ...], data: object, path: str, errors: list[FieldError]
) -> Any:
    if isinstance(data, str) and data in allowed:
        return data
    errors.append(
        FieldError(
            path, _("must be one of: {options}").format(options=", ".join(map(str, allowed)))
        )
    )
    return INVALID


def _parse_union(tp: Any, data: object, path: str, errors: list[FieldError]) -> Any:
    members = _union_members(tp)
    if data is None:
        if len(members) < len(get_args(tp)):
            return None
        errors.append(FieldError(path, _("is required")))
        return INVALID
    if len(members) == 1:
        return parse_value(members[0], data, path, errors)
    if all(get_origin(m) is Literal for m in members):
        return _parse_literal(tuple(v for m in members for v in get_args(m)), data, path, errors)
    # A union of dataclasses, told apart by their ``kind`` literal.
    if not isinstance(data, Mapping):
        errors.append(FieldError(path, _("must be an object")))
        return INVALID
    kinds: dict[str, Any] = {}
    for member in members:
        for kind in get_args(field_types(member)["kind"]):
            kinds[kind] = member
    kind = data.get("kind")
    member_for_kind = kinds.get(kind) if isinstance(kind, str) else None
    if member_for_kind is None:
        errors.append(
            FieldError(
                f"{path}.kind",
                _("must be one of: {options}").format(options=", ".join(sorted(kinds))),
            )
        )
        return INVALID
    return parse_value(member_for_kind, data, path, errors)


def _parse_tuple(tp: Any, data: object, path: str, errors: list[FieldError]) -> Any:
    args = get_args(tp)
    if len(args) != 2 or args[1] is not Ellipsis:
        raise TypeError(f"only tuple[X, ...] is supported, not {tp!r}")
    if not isinstance(data, list | tuple):
        errors.append(FieldError(path, _("must be a list")))
        return INVALID
    items = [parse_value(args[0], item, f"{path}[{i}]", errors) for i, item in enumerate(data)]
    if any(isinstance(item, _Invalid) for item in items):
        return INVALID
    return tuple(items)


def _parse_decimal(data: object, path: str, errors: list[FieldError]) -> Any:
    if isinstance(data, Decimal):
        if data.is_finite():
            return data
        errors.append(FieldError(path, _("must be a finite number")))
        return INVALID
    if isinstance(data, int) and not isinstance(data, bool):
        return Decimal(data)
    if isinstance(data, str) and _DECIMAL_RE.match(data):
        try:
            return Decimal(data)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
            pass
    if isinstance(data, float):
        errors.append(
            FieldError(path, _('must be a decimal string such as "29.28" (floats are not exact)'))
        )
        return INVALID
    errors.append(FieldError(path, _('must be a decimal number written as text, e.g. "29.28"')))
    return INVALID


def _parse_date(data: object, path: str, errors: list[FieldError]) -> Any:
    if isinstance(data, dt.date) and not isinstance(data, dt.datetime):
        return data
    if isinstance(data, str) and _DATE_RE.match(data):
        try:
            return dt.date.fromisoformat(data)
        except ValueError:
            pass
    errors.append(FieldError(path, _("must be a date written YYYY-MM-DD")))
    return INVALID


def _parse_dataclass(cls: type, data: object, path: str, errors: list[FieldError]) -> Any:
    if not isinstance(data, Mapping):
        errors.append(FieldError(path, _("must be an object")))
        return INVALID
    hints = field_types(cls)
    fields = _field_specs(cls)
    for key in data:
        if key not in fields:
            errors.append(FieldError(f"{path}.{key}", _("is not a known field")))
    kwargs: dict[str, Any] = {}
    bad = False
    for name, f in fields.items():
        sub = f"{path}.{name}"
        if name in data:
            value = parse_value(hints[name], data[name], sub, errors)
            if isinstance(value, _Invalid):
                bad = True
            else:
                kwargs[name] = value
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            errors.append(FieldError(sub, _("is required")))
            bad = True
    if bad or any(key not in fields for key in data):
        return INVALID
    return cls(**kwargs)


# --------------------------------------------------------------------------- JSON Schema


def json_schema(root: type, *, title: str, schema_id: str, description: str) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for dataclass ``root``, one ``$defs`` entry per dataclass."""
    defs: dict[str, Any] = {}
    body = _schema_for_dataclass(root, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": title,
        "description": description,
        **body,
        "$defs": dict(sorted(defs.items())),
    }


def _description(cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _schema_for_dataclass(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = field_types(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        properties[f.name] = _schema_for(hints[f.name], defs)
        required.append(f.name)
    # Serialised output always carries every field, and the parser accepts omitted fields that
    # have defaults; the schema describes what the engine writes (all fields present).
    return {
        "type": "object",
        "description": _description(cls),
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _schema_for(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if _is_union(tp):
        members = _union_members(tp)
        options = [_schema_for(m, defs) for m in members]
        if len(members) < len(get_args(tp)):
            options.append({"type": "null"})
        return {"anyOf": options}
    origin = get_origin(tp)
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin is tuple:
        return {"type": "array", "items": _schema_for(get_args(tp)[0], defs)}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is str:
        return {"type": "string"}
    if tp is Decimal:
        return {"type": "string", "pattern": DECIMAL_PATTERN}
    if tp is dt.date:
        return {"type": "string", "pattern": DATE_PATTERN, "format": "date"}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder: breaks recursion
            defs[name] = _schema_for_dataclass(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"unsupported type {tp!r}")
