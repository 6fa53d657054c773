"""The engine's sentences in the reader's language, from the product's message catalogue.

The engine writes every sentence a person reads (explanations, reasons, warnings, validation
messages) as ``_("… {name} …").format(name=value)``: one message with named placeholders, never
pieces joined together, so a translator sees the whole sentence. The catalogue is the product's
own (``locale/<language>/LC_MESSAGES/django.mo``, compiled by ``make messages``), read with the
standard library's :mod:`gettext`, because the engine does not import Django.

The engine writes English unless a caller asks for another language with :func:`language`; the
results it stores and fingerprints are always computed in English, and a page in Hindi
recomputes the sentences from the same snapshot under ``language("hi")``
(:func:`procurement.engine.results_in`).
"""

from __future__ import annotations

import contextvars
import functools
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
DEFAULT = "en"

_active: contextvars.ContextVar[str] = contextvars.ContextVar("engine_language", default=DEFAULT)


@functools.cache
def _catalogue(code: str) -> gettext.NullTranslations:
    return gettext.translation("django", localedir=LOCALE_DIR, languages=[code], fallback=True)


def _(message: str) -> str:
    """``message`` in the active language (itself in English or when it is not translated)."""
    code = _active.get()
    return message if code == DEFAULT else _catalogue(code).gettext(message)


def gettext_noop(message: str) -> str:
    """``message`` unchanged, marked for the catalogue: for tables of English words that are
    translated where they are shown (with :func:`_`), not where they are defined."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n`` in the active language."""
    code = _active.get()
    if code == DEFAULT:
        return singular if n == 1 else plural
    return _catalogue(code).ngettext(singular, plural, n)


def active() -> str:
    """The language the engine writes in now."""
    return _active.get()


@contextmanager
def language(code: str) -> Iterator[None]:
    """Write the engine's sentences in ``code`` ("en", "hi") inside the block."""
    token = _active.set(code)
    try:
        yield
    finally:
        _active.reset(token)
