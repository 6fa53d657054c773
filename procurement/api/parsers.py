"""The API's JSON parser: the engine's JSON reader (``engine.load_json``) behind DRF's parser.

Python's JSON parser recurses once per nested array or object, so a body nested 100 000 deep
would raise RecursionError (a 500) instead of a parse error; and it keeps the last of two equal
keys silently. The engine's reader measures the nesting first (the limit
``bounds.MAX_JSON_DEPTH``), refuses an object with a key twice (naming it), and reads numbers
with a fraction as ``Decimal`` (never float). Each refusal is a 400 that says why. Set as the
default parser in ``REST_FRAMEWORK``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from procurement import engine, labels


class DepthLimitedJSONParser(JSONParser):
    """JSON bodies as the engine reads JSON: depth-limited, no key twice, exact decimals."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            # Like DRF, only a text encoding: bytes.decode refuses bz2_codec and its kind.
            text = stream.read().decode(encoding)
        except (LookupError, UnicodeError):
            raise ParseError(
                _("JSON parse error - the body is not %(encoding)s text") % {"encoding": encoding}
            ) from None
        try:
            with labels.engine_in_reader_language():
                return engine.load_json(text, path="body")
        except engine.EngineValidationError as exc:
            raise ParseError(_("JSON parse error - %(problem)s") % {"problem": exc}) from None
