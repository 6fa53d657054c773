"""Reading LiteLLM's price file (``model_prices_and_context_window.json``).

The file maps model keys to USD prices *per token*; the catalogue stores prices per 1M tokens.
Numbers are read as exact decimals from the JSON text (``1.5e-07`` × 10^6 = ``0.15`` exactly), so
no binary floating point sits between the file and the catalogue. Keys that are not models
(``sample_spec``, the mirror's ``last_updated``), models that are not chat models, and chat models
without both an input and an output price are skipped and counted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

PER_MILLION = Decimal(1_000_000)
NOT_MODELS = frozenset({"sample_spec"})
SIX_PLACES = Decimal("0.000001")
SOURCE_URL = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"


class LitellmFileError(ValueError):
    pass


@dataclass(frozen=True)
class LitellmPrice:
    key: str
    input_per_mtok: Decimal
    output_per_mtok: Decimal
    cached_input_per_mtok: Decimal | None


@dataclass
class LitellmFile:
    prices: dict[str, LitellmPrice]
    skipped: Counter[str] = field(default_factory=Counter)
    last_updated: dt.date | None = None


def per_million(per_token: Any) -> Decimal:
    if isinstance(per_token, bool) or not isinstance(per_token, int | Decimal):
        raise LitellmFileError(f"{per_token!r} is not a number")
    if per_token < 0:
        raise LitellmFileError(f"{per_token} is negative")
    return (Decimal(per_token) * PER_MILLION).quantize(SIX_PLACES).normalize()


def parse_litellm(text: str) -> LitellmFile:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise LitellmFileError(
            f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise LitellmFileError("the file must be a JSON object of model keys")
    result = LitellmFile(prices={})
    stamp = data.get("last_updated")
    if isinstance(stamp, str):
        try:
            result.last_updated = dt.datetime.fromisoformat(stamp).date()
        except ValueError:
            raise LitellmFileError(f"last_updated: {stamp!r} is not an ISO date-time") from None
    for key, entry in data.items():
        if key in NOT_MODELS or not isinstance(entry, dict):
            result.skipped["not a model"] += 1
            continue
        if entry.get("mode") != "chat":
            result.skipped["not a chat model"] += 1
            continue
        raw_in, raw_out = entry.get("input_cost_per_token"), entry.get("output_cost_per_token")
        if raw_in is None or raw_out is None:
            result.skipped["chat model without both prices"] += 1
            continue
        try:
            cached = entry.get("cache_read_input_token_cost")
            result.prices[key] = LitellmPrice(
                key=key,
                input_per_mtok=per_million(raw_in),
                output_per_mtok=per_million(raw_out),
                cached_input_per_mtok=None if cached is None else per_million(cached),
            )
        except LitellmFileError as exc:
            raise LitellmFileError(f"{key}: {exc}") from None
    return result
