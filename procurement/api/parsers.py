"""The API's JSON parser: DRF's, with the engine's depth limit checked before parsing.

Python's JSON parser recurses once per nested array or object, so a body nested 100 000 deep
would raise RecursionError (a 500) instead of a parse error. Every API body is measured first
(``engine.check_json_depth``, the limit ``bounds.MAX_JSON_DEPTH``) and a deeper one is a 400
that says why. Set as the default parser in ``REST_FRAMEWORK``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from procurement import engine


class DepthLimitedJSONParser(JSONParser):
    """JSON bodies nested no deeper than the engine allows; otherwise as DRF's JSONParser."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        body = stream.read()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            # Like DRF, only a text encoding: bytes.decode refuses bz2_codec and its kind.
            engine.check_json_depth(body.decode(encoding), path="body")
        except (LookupError, UnicodeError):
            raise ParseError(f"JSON parse error - the body is not {encoding} text") from None
        except engine.EngineValidationError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        return super().parse(io.BytesIO(body), media_type, parser_context)
