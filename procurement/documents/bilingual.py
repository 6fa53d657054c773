"""One PDF in Hindi and English: each part of a document in Hindi, then the same part in English.

The Official Languages Act, 1963, section 3(3), requires contracts, tender notices and forms of
tender issued by or for the central government to be issued in both languages. A document's
template marks where its parts begin and end with ``<!-- part -->`` (each numbered section, or
an annex, is one part); :func:`render_bilingual` renders the template once in each language —
its context computed afresh in that language, so the engine's sentences, the labels, the dates
and the amounts in words are each language's own, from the same records — and interleaves the
parts. What comes before the first marker (the head, the page rules, the demo watermark) and
after the last is taken from the Hindi rendering; the template writes the few strings there in
both languages itself (``{% language %}`` blocks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from procurement.engine import i18n as engine_i18n

PART = "<!-- part -->"
# Hindi first, then English.
LANGUAGES = ("hi", "en")
BILINGUAL = "hi-en"


def render_in(code: str, template: str, context: Callable[[], dict[str, Any]]) -> str:
    """``template`` rendered with ``context()`` computed and written in ``code``."""
    with translation.override(code), engine_i18n.language(code):
        return render_to_string(template, context())


def render_bilingual(template: str, context: Callable[[], dict[str, Any]]) -> str:
    """The HTML of ``template`` with every part in Hindi followed by the same part in English."""
    hindi = render_in("hi", template, context).split(PART)
    english = render_in("en", template, context).split(PART)
    if len(hindi) != len(english) or len(hindi) < 3:
        raise ValueError(
            f"{template}: the Hindi and English renderings have {len(hindi) - 2} and "
            f"{len(english) - 2} parts; the template must mark the same parts in both"
        )
    parts = [
        f'<div class="part part-hi" lang="hi">{hi}</div>\n'
        f'<div class="part part-en" lang="en">{en}</div>\n'
        for hi, en in zip(hindi[1:-1], english[1:-1], strict=True)
    ]
    return hindi[0] + "".join(parts) + hindi[-1]
