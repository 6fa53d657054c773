"""Template filters for numbers and provenance, shared by every page.

Numbers are written by Babel in the page's locale, ``en_IN`` or ``hi_IN`` (both group digits the
Indian way with Latin digits: ₹1,23,45,678.00; 21,90,00,000), after the engine's one rounding
rule (half up, once, exact from ``Decimal``, never through ``float``); tests/test_formatting.py
checks that Babel and the engine's own ``format_indian`` (used in its sentences) agree. Words
("lakh", "crore") come from the engine's formatter in the page's language. Anything that is not
a finite number shows as "—".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from babel.numbers import format_decimal
from django import template
from django.utils.translation import gettext, pgettext

from procurement.engine import i18n as engine_i18n
from procurement.engine.numbers import (
    exact_product,
    format_lakh_crore,
    round_half_up,
    without_trailing_zeros,
)
from procurement.engine.words import rupees_in_words
from procurement.labels import reader_language as language

register = template.Library()

CURRENCY_SYMBOLS = {"INR": "₹", "USD": "US$", "EUR": "€", "GBP": "£"}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def format_indian(number: Decimal, places: int) -> str:
    """``12345678.9`` → ``1,23,45,678.90`` in the page's locale (Babel ``en_IN``/``hi_IN``):
    rounded half up to ``places`` first, so Babel only writes the digits; never "-0"."""
    rounded = round_half_up(number, places)
    if rounded.is_zero():
        rounded = rounded.copy_abs()
    pattern = "#,##,##0" + ("." + "0" * places if places else "")
    # Babel quantizes in the thread's decimal context: give it every digit the number has.
    with localcontext() as context:
        context.prec = max(context.prec, len(rounded.as_tuple().digits) + places + 2)
        return format_decimal(rounded, format=pattern, locale=f"{language()}_IN")


def indian_digits(number: Decimal, places: int = 2) -> str:
    """``12345678.9`` → ``1,23,45,678.90``: rounded half up to ``places``, Indian grouping."""
    return format_indian(number, places)


def format_inr(number: Decimal, places: int = 2) -> str:
    """``12345678.9`` → ``₹1,23,45,678.90``; ``-5`` → ``-₹5.00``."""
    text = format_indian(number, places)
    return f"-₹{text[1:]}" if text.startswith("-") else f"₹{text}"


def significant_places(number: Decimal, minimum: int = 2, maximum: int = 6) -> int:
    """Enough decimal places to show a unit price exactly (0.075 → 3), within bounds."""
    exponent = without_trailing_zeros(number).as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(minimum, min(places, maximum))


@register.filter
def count(value: Any) -> str:
    """A whole number with Indian grouping: ``219000000`` → ``21,90,00,000``."""
    number = _decimal(value)
    return "—" if number is None else format_indian(number, 0)


@register.filter
def number(value: Any, places: int = 1) -> str:
    """A quantity with Indian grouping, rounded half up to ``places``: ``123456.75`` →
    ``1,23,456.8``."""
    quantity = _decimal(value)
    return "—" if quantity is None else format_indian(quantity, int(places))


@register.filter
def inr(value: Any, places: int = 2) -> str:
    """Rupees with Indian grouping: ``₹1,23,45,678.00``."""
    number = _decimal(value)
    return "—" if number is None else format_inr(number, int(places))


@register.filter
def money(value: Any, currency: str = "INR") -> str:
    """A unit price in its own currency, with as many decimals as it needs (2 to 6)."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = format_indian(number, significant_places(number))
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    return f"{sign}{CURRENCY_SYMBOLS.get(currency, f'{currency} ')}{digits}"


@register.filter
def lakh_crore(value: Any) -> str:
    """Large rupee sums the way officers read them: ``₹4.50 lakh``, ``₹1.23 crore``,
    ``₹2.50 lakh crore``."""
    number = _decimal(value)
    if number is None:
        return "—"
    with engine_i18n.language(language()):
        return format_lakh_crore(number)


@register.filter
def lakh_crore_short(value: Any) -> str:
    """The short reading: ``₹50 lakh``, ``₹1.5 crore`` (two decimals at most, no trailing zeros)."""
    number = _decimal(value)
    if number is None:
        return "—"
    with engine_i18n.language(language()):
        return format_lakh_crore(number, None)


@register.filter
def in_words(value: Any) -> str:
    """A rupee sum in words in the page's language, the Indian way: ``16000000`` → "one crore
    sixty lakh rupees" / "एक करोड़ साठ लाख रुपये" (rounded half up to the paisa)."""
    number = _decimal(value)
    if number is None or number < 0:
        return "—"
    return rupees_in_words(number, language())


@register.filter
def percent(value: Any, places: int = 2) -> str:
    """``99.900`` → ``99.9 %``: rounded half up to ``places``, trailing zeros dropped."""
    number = _decimal(value)
    if number is None:
        return "—"
    rounded = without_trailing_zeros(round_half_up(number, int(places)))
    return f"{rounded.copy_abs() if rounded.is_zero() else rounded:f} %"  # never "-0 %"


def _rate(context: template.Context, currency: str) -> Any:
    """The FX rate of ``currency`` the view put in the context (``fx_rates``), if any."""
    rates = context.get("fx_rates") or {}
    return rates.get(currency)


@register.simple_tag(takes_context=True)
def inr_equivalent(context: template.Context, value: Any, currency: str) -> str:
    """A foreign amount's ₹ equivalent at the rate in force (``fx_rates``), to the paisa:
    ``≈ ₹6.31``; empty for rupees, for no amount, or when no rate is on file."""
    number = _decimal(value)
    rate = _rate(context, currency)
    if currency == "INR" or number is None or rate is None:
        return ""
    return f"≈ {format_inr(exact_product(number, rate.rate_to_inr))}"


@register.inclusion_tag("includes/fx_rate.html", takes_context=True)
def price_in_rupees(context: template.Context, price: Any) -> dict[str, Any]:
    """A foreign price's ₹ equivalents at the rate in force, with that rate's value, date and
    source; or that no rate is on file. Nothing for a price in rupees."""
    currency = price.currency
    rate = _rate(context, currency)
    if price.gpu_hour_price is not None:
        parts = [(price.gpu_hour_price, gettext("per GPU-hour"))]
    else:
        parts = [
            (price.input_per_mtok, pgettext("a price of input tokens", "in")),
            (price.cached_input_per_mtok, pgettext("a price of cached input tokens", "cached")),
            (price.output_per_mtok, gettext("out per 10 lakh tokens")),
        ]
    return {
        "foreign": currency != "INR",
        "symbol": CURRENCY_SYMBOLS.get(currency, currency),
        "rate": rate,
        "amounts": [
            (format_inr(exact_product(amount, rate.rate_to_inr)), label)
            for amount, label in parts
            if amount is not None and rate is not None
        ],
    }


@register.filter
def provider_languages(provider: Any) -> list[str]:
    """Language codes any of a provider's (prefetched) offerings supports, sorted."""
    return sorted({lang.code for o in provider.offerings.all() for lang in o.languages.all()})


@register.filter
def valid_on(record: Any, day: Any) -> bool:
    """Whether a certification (or anything with ``valid_on``) holds on ``day``."""
    return bool(record.valid_on(day))


@register.inclusion_tag("includes/demo_badge.html")
def demo_badge(obj: Any) -> dict[str, Any]:
    """A 'demo data' badge for any record (or price, or evaluation) flagged ``is_demo``."""
    return {"is_demo": bool(getattr(obj, "is_demo", False))}


@register.inclusion_tag("includes/source.html")
def source(obj: Any) -> dict[str, Any]:
    """Where a figure came from and when it was checked, or that it is demo data."""
    return {
        "url": getattr(obj, "source_url", ""),
        "note": getattr(obj, "source_note", ""),
        "checked_on": getattr(obj, "checked_on", None),
        "is_demo": bool(getattr(obj, "is_demo", False)),
    }
