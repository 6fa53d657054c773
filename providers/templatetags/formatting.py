"""Template filters for money and provenance, shared by every page.

Money is formatted from ``Decimal`` without passing through ``float``. Rupees use Indian digit
grouping (₹1,23,45,678.00); ``lakh_crore`` gives the reading officers use for large sums. Every
filter rounds half up, exactly, whatever the number of digits: arithmetic runs in a context with
as many digits as the number needs, never in the thread's 28-digit default, which would refuse
(or silently round) a 30-digit amount. Anything that is not a finite number shows as "—".
"""

from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

from django import template

from procurement.engine.numbers import group_indian

register = template.Library()

CURRENCY_SYMBOLS = {"INR": "₹", "USD": "US$", "EUR": "€", "GBP": "£"}
LAKH = Decimal(100_000)
CRORE = Decimal(10_000_000)
LAKH_CRORE = LAKH * CRORE


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _context(digits: int) -> Context:
    """``digits`` of precision, rounding half up, and no limit on the exponent."""
    return Context(prec=max(digits, 1), rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=MIN_EMIN)


def _digits(number: Decimal) -> int:
    return len(number.as_tuple().digits)


def _round(number: Decimal, places: int) -> Decimal:
    """``number`` rounded half up to ``places`` decimals (negative: to tens, hundreds…), in one
    rounding: the context holds its whole part, the places and a carry."""
    digits = max(number.adjusted(), 0) + max(places, 0) + 2
    return number.quantize(Decimal((0, (1,), -places)), context=_context(digits))


def _without_trailing_zeros(number: Decimal) -> Decimal:
    """``99.900`` → ``99.9``, ``100.00`` → ``1E+2``: exact, as the context holds every digit."""
    return number.normalize(_context(_digits(number)))


def indian_digits(number: Decimal, places: int = 2) -> str:
    """``12345678.9`` → ``1,23,45,678.90``: rounded half up to ``places``, Indian grouping."""
    rounded = _round(number, places)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{rounded.copy_abs():f}".partition(".")
    return f"{sign}{group_indian(whole)}{'.' + fraction if fraction else ''}"


def significant_places(number: Decimal, minimum: int = 2, maximum: int = 6) -> int:
    """Enough decimal places to show a unit price exactly (0.075 → 3), within bounds."""
    exponent = _without_trailing_zeros(number).as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(minimum, min(places, maximum))


@register.filter
def count(value: Any) -> str:
    """A whole number with Indian grouping: ``219000000`` → ``21,90,00,000``."""
    number = _decimal(value)
    return "—" if number is None else indian_digits(number, 0)


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
    return f"{symbol}{_round(number, places):,f}"


@register.filter
def lakh_crore(value: Any) -> str:
    """Large rupee sums the way officers (and the Union Budget) read them: ``₹4.50 lakh``,
    ``₹1.23 crore``, and from a lakh crore (10^12) on ``₹2.50 lakh crore``, so that even a
    huge sum reads as a grouped number of a unit, never in scientific notation."""
    number = _decimal(value)
    if number is None:
        return "—"
    for size, unit in ((LAKH_CRORE, "lakh crore"), (CRORE, "crore"), (LAKH, "lakh")):
        if number.copy_abs() >= size:
            # Exact: dividing by a power of ten needs no more digits than the number has.
            in_units = _context(_digits(number)).divide(number, size)
            return f"₹{indian_digits(in_units)} {unit}"
    return inr(number)


@register.filter
def percent(value: Any, places: int = 2) -> str:
    """``99.900`` → ``99.9 %``: rounded half up to ``places``, trailing zeros dropped."""
    number = _decimal(value)
    if number is None:
        return "—"
    rounded = _without_trailing_zeros(_round(number, int(places)))
    return f"{rounded.copy_abs() if rounded.is_zero() else rounded:f} %"  # never "-0 %"


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
