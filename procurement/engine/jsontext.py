"""Reading JSON text the engine is given (snapshots, policy packs, inputs), depth first.

Python's parser recurses once per nested array or object, so a document nested 100 000 deep
raises RecursionError instead of a parse error. The nesting is therefore measured on the text
before parsing, without recursion, and a document deeper than ``bounds.MAX_JSON_DEPTH`` is refused
with a message. Every caller that parses an engine document reads it through here: the command
line, the product's API bodies, the /verify/ page's snapshot files, and the policy pack form
(which checks the depth, then parses).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from itertools import accumulate
from typing import Any

from procurement.engine.bounds import MAX_JSON_DEPTH
from procurement.engine.errors import EngineValidationError, FieldError
from procurement.engine.i18n import _

# A JSON string, escapes included; removing strings leaves only the structure's brackets.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in ``text`` (a scalar is 0, ``[]`` is 1, ``[{}]`` 2).

    Brackets inside strings do not count. On text that is not valid JSON the figure is only an
    estimate; the parser then refuses the text anyway, and nothing deeper than the figure can be
    reached by it before it does.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    steps = (1 if b in "[{" else -1 for b in brackets)
    return max(accumulate(steps, initial=0))


def check_json_depth(text: str, path: str = "document") -> None:
    """Raise :class:`EngineValidationError` when ``text`` nests deeper than the engine allows."""
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise EngineValidationError(
            [
                FieldError(
                    path,
                    _(
                        "nests arrays and objects {depth} levels deep; an engine document nests "
                        "at most {limit}: refused before parsing"
                    ).format(depth=depth, limit=MAX_JSON_DEPTH),
                )
            ]
        )


class _NotJson(ValueError):
    """Text the standard parser would accept that an engine document may not hold; ``message``
    is the whole sentence for the field, in the caller's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _no_constant(name: str) -> Any:
    raise _NotJson(_("is not valid JSON: {name} is not a JSON number").format(name=name))


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: with a key twice, which value was meant?"""
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise _NotJson(
                _('is not valid JSON: the key "{key}" appears more than once in one object').format(
                    key=key
                )
            )
        seen.add(key)
    return dict(pairs)


def load_json(text: str | bytes, path: str = "document") -> Any:
    """Parse an engine JSON document: depth checked first, numbers as ``Decimal`` (never float).

    Raises :class:`EngineValidationError` (at ``path``) for a document that is too deep, is not
    UTF-8 or is not valid JSON (NaN and Infinity are not JSON numbers), or has an object with a
    key twice (the parser would keep the last silently).
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            message = _("is not UTF-8 text: {error}").format(error=exc)
            raise EngineValidationError([FieldError(path, message)]) from None
    check_json_depth(text, path)
    try:
        return json.loads(
            text, parse_float=Decimal, parse_constant=_no_constant, object_pairs_hook=_unique_keys
        )
    except _NotJson as exc:
        raise EngineValidationError([FieldError(path, exc.message)]) from None
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4 300 digits
        # The parser's own words (Python's, in English) name the place of the error.
        message = _("is not valid JSON: {error}").format(error=exc)
        raise EngineValidationError([FieldError(path, message)]) from None
