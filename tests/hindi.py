"""What a person reads on a page, and the Latin-script words in it that are not data or codes.

A Hindi page may show Latin script only for what is not the product's own wording: the words of
scripts/i18n_allowlist.txt (codes, abbreviations, units, product names) and data people entered
or the catalogue holds (provider, offer and model names, department names, workload titles,
the policy pack's instruments), gathered from the database by :func:`data_words`. Text inside
``<script>``, ``<style>``, ``<code>``, ``<kbd>``, ``<samp>``, ``<pre>`` and any element marked
``lang="en"`` or ``translate="no"`` is not read; neither are URLs, e-mail addresses and dates
written as digits.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from i18n_check import allowed_words, latin_words  # noqa: E402

_SKIPPED = {"script", "style", "code", "kbd", "samp", "pre", "template", "noscript"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
_NOT_WORDS = re.compile(
    r"\S+@\S+|\b\w+://\S+|\bwww\.\S+|\b[\w-]+(\.[\w-]+)+/\S*|\b[\w-]+\.(in|com|org|gov|net|ai|io)\b"
)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self._stack: list[bool] = []  # per open element: does it hide its content?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        values = dict(attrs)
        hides = (
            tag in _SKIPPED
            or values.get("lang", "").startswith("en")
            or values.get("translate") == "no"
            or "fingerprint" in (values.get("class") or "").split()
        )
        self._stack.append(hides)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not any(self._stack):
            self.text.append(data)


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return " ".join(" ".join(reader.text).split())


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def data_words() -> frozenset[str]:
    """Every Latin-script word held in a text or JSON column of the product's tables."""
    words: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"procurement", "providers", "auth"}:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                for text in _strings(value):
                    words.update(
                        m.group(0).rstrip(".-/")
                        for m in re.finditer(r"[A-Za-z][A-Za-z0-9'’.\-/]*", text)
                    )
    return frozenset(words)


def untranslated(html: str, data: frozenset[str]) -> list[str]:
    """The Latin-script words a person reads on the page that are neither allowed nor data."""
    text = _NOT_WORDS.sub(" ", visible_text(html))
    return [w for w in latin_words(text, allowed_words()) if w not in data]
