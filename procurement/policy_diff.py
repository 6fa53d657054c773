"""A readable difference between two versions of a policy pack's JSON document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    path: str
    kind: str  # "added", "removed" or "changed"
    before: Any
    after: Any


def flatten(document: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": [1, {"c": 2}]}}`` → ``{"a.b[0]": 1, "a.b[1].c": 2}``; leaves only."""
    if isinstance(document, dict) and document:
        flat: dict[str, Any] = {}
        for key, value in document.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else key))
        return flat
    if isinstance(document, list) and document:
        flat = {}
        for index, value in enumerate(document):
            flat.update(flatten(value, f"{prefix}[{index}]"))
        return flat
    return {prefix: document}


def diff_documents(before: Any, after: Any) -> list[Change]:
    """Every leaf that was added, removed or changed, in path order."""
    old, new = flatten(before), flatten(after)
    changes = []
    for path in sorted(old.keys() | new.keys()):
        if path not in new:
            changes.append(Change(path, "removed", old[path], None))
        elif path not in old:
            changes.append(Change(path, "added", None, new[path]))
        elif old[path] != new[path]:
            changes.append(Change(path, "changed", old[path], new[path]))
    return changes
