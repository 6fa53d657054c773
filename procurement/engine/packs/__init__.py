"""Policy packs shipped with the engine, as JSON data.

Reading these bundled, read-only files is the engine's only file access; it involves no network
and no settings, and the service layer uses it once to store ``india-default`` as version 1 of a
PolicyPack in the database.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from typing import Any

from procurement.engine.policy import Policy


def pack_names() -> list[str]:
    """Names of the packs shipped with the engine."""
    files = resources.files(__name__)
    return sorted(p.name.removesuffix(".json") for p in files.iterdir() if p.name.endswith(".json"))


def pack_data(name: str = "india-default") -> dict[str, Any]:
    """The JSON document of a shipped pack (numbers read as Decimal, never float)."""
    if name not in pack_names():
        raise KeyError(f"no policy pack named {name!r}; available: {', '.join(pack_names())}")
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data


def load_pack(name: str = "india-default") -> Policy:
    """A shipped pack, loaded and validated."""
    from procurement.engine.loading import load_policy

    return load_policy(pack_data(name))
