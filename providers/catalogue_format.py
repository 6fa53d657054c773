"""The catalogue JSON format: parsing and validation with messages that name the JSON path.

A file is checked in two passes. The JSON Schema (``catalogue.schema.json`` beside this module,
documented in ``docs/catalogue.md``) checks shapes, types and ranges; the second pass checks what a
schema cannot say: references between records, duplicates, price fields that fit the offering's
pricing mode, dates in order, and sources for every figure that is not demo data. Every problem
comes back as ``path: message``, e.g. ``providers[3].offerings[0].prices[1].input_per_mtok: must
be ≥ 0``, and all of them are reported at once so one run shows the whole list.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

SCHEMA_PATH = Path(__file__).with_name("catalogue.schema.json")
MAX_REPORTED = 100

PATTERN_MESSAGES = {
    "^\\d{4}-\\d{2}-\\d{2}$": gettext_lazy("must be a date written YYYY-MM-DD"),
    "^[a-z0-9]+(?:[-_][a-z0-9]+)*$": gettext_lazy(
        "must be a slug: lower-case letters and digits, - or _"
    ),
    "^[A-Z]{2}$": gettext_lazy("must be a two-letter ISO 3166-1 country code such as IN"),
    "^[A-Z]{3}$": gettext_lazy("must be a three-letter ISO 4217 currency code such as INR"),
    "^[a-z]{2,3}$": gettext_lazy("must be an ISO 639-1 language code such as hi"),
}
# What a value of the wrong JSON type must be instead, by the type the schema names.
TYPE_MESSAGES = {
    "number": gettext_lazy("must be a number"),
    "integer": gettext_lazy("must be a whole number"),
    "string": gettext_lazy("must be text"),
    "boolean": gettext_lazy("must be true or false"),
    "array": gettext_lazy("must be a list"),
    "object": gettext_lazy("must be an object"),
    "null": gettext_lazy("must be null"),
}
URL_FIELDS = ("source_url", "evidence_url", "website")


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class CatalogueError(Exception):
    """A catalogue file that cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (_sort_key(p.path), p.message))
        super().__init__("\n".join(str(p) for p in self.problems[:MAX_REPORTED]))


@cache
def catalogue_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def format_path(parts: Iterable[str | int]) -> str:
    """``['providers', 3, 'slug']`` → ``providers[3].slug``; the document itself is ``(root)``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def _sort_key(path: str) -> list[Any]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in path.replace("]", "").split("[")]


def parse_catalogue(text: str) -> dict[str, Any]:
    """Parse and validate a catalogue document; numbers become exact ``Decimal`` values."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            [
                Problem(
                    "(file)",
                    _("not valid JSON at line %(line)s, column %(column)s: %(problem)s")
                    % {"line": exc.lineno, "column": exc.colno, "problem": exc.msg},
                )
            ]
        ) from None
    problems = list(validate_catalogue(data))
    if problems:
        raise CatalogueError(problems)
    document: dict[str, Any] = data  # the schema has checked that it is an object
    return document


def validate_catalogue(data: Any) -> Iterator[Problem]:
    schema_problems = list(_schema_problems(data))
    yield from schema_problems
    if not schema_problems:
        yield from _semantic_problems(data)


def _schema_problems(data: Any) -> Iterator[Problem]:
    validator = Draft202012Validator(
        catalogue_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    for error in validator.iter_errors(data):
        yield from _describe(error)


def _describe(error: SchemaError) -> Iterator[Problem]:
    path = list(error.absolute_path)
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        for name in expected:
            if isinstance(instance, dict) and name not in instance:
                yield Problem(format_path([*path, name]), _("is required"))
        return
    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        for name in sorted(set(instance) - allowed):
            yield Problem(format_path([*path, name]), _("is not a field of this record"))
        return
    messages: dict[str, Callable[[], str]] = {
        "minimum": lambda: _("must be ≥ %(limit)s") % {"limit": expected},
        "maximum": lambda: _("must be ≤ %(limit)s") % {"limit": expected},
        "exclusiveMinimum": lambda: _("must be > %(limit)s") % {"limit": expected},
        "type": lambda: _type_message(expected),
        "enum": lambda: _("must be one of: %(values)s") % {"values": ", ".join(map(str, expected))},
        "const": lambda: _("must be %(value)s") % {"value": json.dumps(expected)},
        "pattern": lambda: (
            str(PATTERN_MESSAGES[expected])
            if expected in PATTERN_MESSAGES
            else _("must match %(pattern)s") % {"pattern": expected}
        ),
        "format": lambda: (
            _("is not a real calendar date")
            if expected == "date"
            else _("is not a valid %(format)s") % {"format": expected}
        ),
        "minLength": lambda: (
            _("must not be empty")
            if expected == 1
            else _("needs ≥ %(limit)s characters") % {"limit": expected}
        ),
        "maxLength": lambda: _("must be at most %(limit)s characters") % {"limit": expected},
        "minItems": lambda: _("must list at least %(limit)s") % {"limit": expected},
        "uniqueItems": lambda: _("must not list the same value twice"),
    }
    describe = messages.get(kind)
    yield Problem(format_path(path), describe() if describe else error.message)


def _type_message(expected: str | list[str]) -> str:
    """What a value of the wrong JSON type must be: one type, or any of several."""
    types = [expected] if isinstance(expected, str) else expected
    if len(types) == 1 and types[0] in TYPE_MESSAGES:
        return str(TYPE_MESSAGES[types[0]])
    return _("must be one of the types: %(types)s") % {"types": ", ".join(types)}


def _semantic_problems(data: dict[str, Any]) -> Iterator[Problem]:
    """Cross-record checks. References may point into the file or at rows already loaded."""
    from providers.models import Evaluator, Language, Offering, Region

    known_regions = set(Region.objects.values_list("code", flat=True))
    known_languages = set(Language.objects.values_list("code", flat=True))
    known_evaluators = set(Evaluator.objects.values_list("slug", flat=True))
    litellm_owner = dict(
        Offering.objects.exclude(litellm_key=None).values_list("litellm_key", "slug")
    )

    yield from _duplicates(data.get("languages", []), "languages", lambda r: r["code"])
    yield from _duplicates(data.get("regions", []), "regions", lambda r: r["code"])
    yield from _duplicates(data.get("evaluators", []), "evaluators", lambda r: r["slug"])
    yield from _duplicates(
        data.get("fx_rates", []), "fx_rates", lambda r: (r["currency"], r["date"])
    )
    yield from _duplicates(data["providers"], "providers", lambda r: r["slug"])

    regions = known_regions | {r["code"] for r in data.get("regions", [])}
    languages = known_languages | {r["code"] for r in data.get("languages", [])}
    evaluators = known_evaluators | {r["slug"] for r in data.get("evaluators", [])}

    for section in ("regions", "evaluators", "fx_rates"):
        for i, record in enumerate(data.get(section, [])):
            yield from _provenance_problems(record, [section, i], needs_source=section != "regions")

    offerings_seen: dict[str, str] = {}
    litellm_seen: dict[str, str] = {}
    for p, provider in enumerate(data["providers"]):
        base: list[str | int] = ["providers", p]
        yield from _provenance_problems(provider, base, needs_source=False)
        if provider.get("land_border_country") is False and provider.get("dpiit_registered_until"):
            yield Problem(
                format_path([*base, "dpiit_registered_until"]),
                _("only bidders from land-border countries need DPIIT registration"),
            )
        own_offerings = {o["slug"] for o in provider.get("offerings", [])}
        for o, offering in enumerate(provider.get("offerings", [])):
            where = [*base, "offerings", o]
            slug = offering["slug"]
            if slug in offerings_seen:
                yield Problem(
                    format_path([*where, "slug"]),
                    _("'%(slug)s' is already used at %(path)s")
                    % {"slug": slug, "path": offerings_seen[slug]},
                )
            offerings_seen.setdefault(slug, format_path(where))
            key = offering.get("litellm_key")
            if key:
                if key in litellm_seen:
                    yield Problem(
                        format_path([*where, "litellm_key"]),
                        _("'%(slug)s' is already used at %(path)s")
                        % {"slug": key, "path": litellm_seen[key]},
                    )
                elif litellm_owner.get(key, slug) != slug:
                    yield Problem(
                        format_path([*where, "litellm_key"]),
                        _("'%(key)s' already belongs to offering '%(offer)s'")
                        % {"key": key, "offer": litellm_owner[key]},
                    )
                litellm_seen.setdefault(key, format_path(where))
            yield from _provenance_problems(offering, where, needs_source=True)
            for field in ("processing_regions", "storage_regions", "log_regions"):
                for r, code in enumerate(offering.get(field, [])):
                    if code not in regions:
                        yield Problem(
                            format_path([*where, field, r]),
                            _("unknown region '%(code)s'") % {"code": code},
                        )
            for lang_index, code in enumerate(offering["languages"]):
                if code not in languages:
                    yield Problem(
                        format_path([*where, "languages", lang_index]),
                        _("unknown language '%(code)s'") % {"code": code},
                    )
            yield from _duplicates(
                offering.get("prices", []), [*where, "prices"], lambda r: r["effective_from"]
            )
            for i, price in enumerate(offering.get("prices", [])):
                yield from _price_problems(price, offering["pricing_mode"], [*where, "prices", i])
            yield from _duplicates(
                offering.get("evaluations", []),
                [*where, "evaluations"],
                lambda r: (r["evaluator"], r["use_case"], r["language"], r["evaluated_on"]),
            )
            for i, evaluation in enumerate(offering.get("evaluations", [])):
                at = [*where, "evaluations", i]
                yield from _provenance_problems(evaluation, at, needs_source=True)
                if evaluation["evaluator"] not in evaluators:
                    yield Problem(
                        format_path([*at, "evaluator"]),
                        _("unknown evaluator '%(slug)s'") % {"slug": evaluation["evaluator"]},
                    )
                if evaluation["language"] not in languages:
                    yield Problem(
                        format_path([*at, "language"]),
                        _("unknown language '%(code)s'") % {"code": evaluation["language"]},
                    )
                if evaluation["valid_until"] < evaluation["evaluated_on"]:
                    yield Problem(
                        format_path([*at, "valid_until"]),
                        _("%(date)s is before evaluated_on %(start)s")
                        % {"date": evaluation["valid_until"], "start": evaluation["evaluated_on"]},
                    )
        yield from _duplicates(
            provider.get("certifications", []),
            [*base, "certifications"],
            lambda r: (r.get("offering"), r["kind"], r["issued_on"]),
        )
        for c, cert in enumerate(provider.get("certifications", [])):
            at = [*base, "certifications", c]
            yield from _provenance_problems(cert, at, needs_source=False)
            if cert.get("offering") and cert["offering"] not in own_offerings:
                yield Problem(
                    format_path([*at, "offering"]),
                    _("'%(slug)s' is not one of this provider's offerings")
                    % {"slug": cert["offering"]},
                )
            if cert.get("expires_on") and cert["expires_on"] < cert["issued_on"]:
                yield Problem(
                    format_path([*at, "expires_on"]),
                    _("%(date)s is before issued_on %(start)s")
                    % {"date": cert["expires_on"], "start": cert["issued_on"]},
                )
            if not cert.get("demo") and not (cert.get("evidence_url") or cert.get("source_url")):
                yield Problem(
                    format_path([*at, "evidence_url"]),
                    _("is required: a certification that is not demo data needs its evidence"),
                )


def _price_problems(price: dict[str, Any], mode: str, at: list[str | int]) -> Iterator[Problem]:
    yield from _provenance_problems(price, at, needs_source=True)
    token_fields = ("input_per_mtok", "cached_input_per_mtok", "output_per_mtok")
    gpu_fields = ("gpu_hour_price", "output_tokens_per_sec_per_gpu", "gpus_per_node", "min_gpus")
    if mode == "serverless":
        for field in ("input_per_mtok", "output_per_mtok"):
            if price.get(field) is None:
                yield Problem(format_path([*at, field]), _("is required for a serverless offering"))
        for field in gpu_fields:
            if price.get(field) is not None:
                yield Problem(
                    format_path([*at, field]), _("does not apply to a serverless offering")
                )
    else:
        for field in ("gpu_hour_price", "output_tokens_per_sec_per_gpu", "gpus_per_node"):
            if price.get(field) is None:
                yield Problem(format_path([*at, field]), _("is required for a dedicated offering"))
        for field in token_fields:
            if price.get(field) is not None:
                yield Problem(
                    format_path([*at, field]), _("does not apply to a dedicated offering")
                )


def _provenance_problems(
    record: dict[str, Any], at: list[str | int], *, needs_source: bool
) -> Iterator[Problem]:
    url_check = URLValidator(schemes=["http", "https"])
    for field in URL_FIELDS:
        if record.get(field):
            try:
                url_check(record[field])
            except ValidationError:
                yield Problem(format_path([*at, field]), _("must be an http(s) address"))
    if needs_source and not record.get("demo") and not record.get("source_url"):
        yield Problem(
            format_path([*at, "source_url"]),
            _("is required: a figure that is not demo data needs its source (or mark it demo)"),
        )
    checked = record.get("checked_on")
    if checked and dt.date.fromisoformat(checked) > dt.date.today():
        yield Problem(
            format_path([*at, "checked_on"]),
            _("%(date)s is in the future") % {"date": checked},
        )


def _duplicates(
    records: list[dict[str, Any]], at: str | list[str | int], key: Any
) -> Iterator[Problem]:
    base = [at] if isinstance(at, str) else at
    first: dict[Any, int] = {}
    for i, record in enumerate(records):
        k = key(record)
        if k in first:
            shown = k if isinstance(k, str) else ", ".join(str(x) for x in k if x is not None)
            yield Problem(
                format_path([*base, i]),
                _("duplicates %(path)s (%(key)s)")
                % {"path": format_path([*base, first[k]]), "key": shown},
            )
        first.setdefault(k, i)
