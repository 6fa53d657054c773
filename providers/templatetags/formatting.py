"""Template filters for money and provenance, shared by every page.

Money is formatted from ``Decimal`` without passing through ``float``. Rupees use Indian digit
grouping (₹1,23,45,678.00); ``lakh_crore`` gives the reading officers use for large sums.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

from procurement.engine.numbers import group_indian

register = template.Library()

CURRENCY_SYMBOLS = {"INR": "₹", "USD": "US$", "EUR": "€", "GBP": "£"}
LAKH = Decimal(100_000)
CRORE = Decimal(10_000_000)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def indian_digits(number: Decimal, places: int = 2) -> str:
    """``12345678.9`` → ``1,23,45,678.90``: rounded half up to ``places``, Indian grouping."""
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    return f"{sign}{group_indian(whole)}{'.' + fraction if fraction else ''}"


def significant_places(number: Decimal, minimum: int = 2, maximum: int = 6) -> int:
    """Enough decimal places to show a unit price exactly (0.075 → 3), within bounds."""
    exponent = number.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(minimum, min(places, maximum))


@register.filter
def inr(value: Any, places: int = 2) -> str:
    """Rupees with Indian grouping: ``₹1,23,45,678.00``."""
    number = _decimal(value)
    return "—" if number is None else f"₹{indian_digits(number, int(places))}"


@register.filter
def money(value: Any, currency: str = "INR") -> str:
    """A unit price in its own currency, with as many decimals as it needs (2 to 6)."""
    number = _decimal(value)
    if number is None:
        return "—"
    places = significant_places(number)
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    if currency == "INR":
        return f"{symbol}{indian_digits(number, places)}"
    return f"{symbol}{number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,f}"


@register.filter
def lakh_crore(value: Any) -> str:
    """Large rupee sums the way officers read them: ``₹1.23 crore``, ``₹4.50 lakh``."""
    number = _decimal(value)
    if number is None:
        return "—"
    if abs(number) >= CRORE:
        return f"₹{indian_digits(number / CRORE)} crore"
    if abs(number) >= LAKH:
        return f"₹{indian_digits(number / LAKH)} lakh"
    return inr(number)


@register.filter
def percent(value: Any, places: int = 2) -> str:
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{number.quantize(Decimal(1).scaleb(-int(places))).normalize():f} %"


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
