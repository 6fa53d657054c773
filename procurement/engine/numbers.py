"""Exact arithmetic for the engine: one Decimal context, one rounding rule, Indian number format.

The rounding rule (stated once, here, and in docs/engine.md):

    Every money amount the engine reports is rounded to the paisa (0.01) with ROUND_HALF_UP exactly
    once, when it is produced, from full-precision arithmetic on the inputs and on amounts already
    reported. Totals are exact sums of reported amounts, so they need no rounding and the page adds
    up. Nothing else is rounded along the way: token counts, growth factors, FX rates and discount
    factors keep full precision (50 significant digits).

Ratios that are not money (scores, percentages, utilisation) are reported to two decimal places
with ROUND_HALF_UP, and the engine never feeds a reported ratio back into a calculation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    ROUND_CEILING,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import ParamSpec, TypeVar

from procurement.engine.i18n import _

# 50 significant digits: ₹9,99,99,99,99,999.99 over ten years of growth compounding needs fewer
# than 30, so no intermediate result is ever rounded by the context itself. Traps turn a silent
# NaN or infinity into an exception.
ENGINE_CONTEXT = Context(
    prec=50,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

PAISA = Decimal("0.01")
HUNDREDTH = PAISA
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
MILLION = Decimal(1_000_000)
DAYS_PER_YEAR = Decimal(365)
SECONDS_PER_YEAR = Decimal(365 * 86_400)
HOURS_PER_YEAR = Decimal(365 * 24)

P = ParamSpec("P")
R = TypeVar("R")


def engine_precision(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` in the engine's Decimal context, whatever the caller's thread context is.

    Results must not depend on a caller having changed ``decimal.getcontext()``: that would break
    replay on another machine or in another process.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(ENGINE_CONTEXT):
            return fn(*args, **kwargs)

    return wrapper


def paisa(amount: Decimal) -> Decimal:
    """Round a money amount to the paisa, half up: the engine's one rounding rule for money."""
    return amount.quantize(PAISA, rounding=ROUND_HALF_UP)


def ratio2(value: Decimal) -> Decimal:
    """Round a reported ratio (score, percentage) to two decimals, half up. Display only."""
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def round_places(value: Decimal, places: int) -> Decimal:
    """Round a display-only figure (FX rate, discount factor) to ``places`` decimals, half up."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def ceil_int(value: Decimal) -> int:
    """The smallest integer not below ``value`` (exact)."""
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def round_int(value: Decimal) -> int:
    """Nearest integer, half up: for counts (requests, tokens) shown to people."""
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole``, by the one rule for reported ratios (two decimals,
    half up): every premium percentage in a sentence, a page, a PDF or an API field comes from
    here. A percentage of nothing is reported as 0."""
    if whole == 0:
        return Decimal("0.00")
    return ratio2(part / whole * HUNDRED)


def fraction(pct: Decimal) -> Decimal:
    """A percentage as a fraction: 18 → 0.18 (exact)."""
    return pct / HUNDRED


def decimal_to_str(value: Decimal, *, normalise: bool) -> str:
    """Fixed-point text for a Decimal, never an exponent.

    ``normalise`` strips trailing fractional zeros ("29.280" → "29.28", "100.00" → "100"), which
    makes equal input values serialise identically; results keep the exponent the engine gave them
    (money always has two decimals).
    """
    if not value.is_finite():
        raise ValueError(f"non-finite Decimal {value!r} cannot be serialised")
    if value.is_zero():
        return "0" if normalise else format(abs(value), "f")  # never "-0.00"
    if normalise:
        value = value.normalize(ENGINE_CONTEXT)
    return format(value, "f")


def group_indian(digits: str) -> str:
    """Indian digit grouping of a run of digits: "12345678" → "1,23,45,678" (the last three
    digits, then groups of two)."""
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join([*groups, tail])


# The product's one number formatter (docs/architecture.md, "Numbers shown to people"): every
# count and amount a page, the PDF, a chart or an export shows goes through the functions below.
# They are exact for a Decimal of any size — each call works in a context with as many digits
# as its number needs, never the thread's (28 digits by default, which would refuse or silently
# round a 30-digit amount) — and round half up, once.

LAKH = Decimal(100_000)
CRORE = Decimal(10_000_000)
LAKH_CRORE = LAKH * CRORE


def _exact_context(digits: int) -> Context:
    """``digits`` of precision, rounding half up, and no limit on the exponent."""
    return Context(prec=max(digits, 1), rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=MIN_EMIN)


def round_half_up(number: Decimal, places: int) -> Decimal:
    """``number`` rounded half up to ``places`` decimals (negative: to tens, hundreds…), in one
    rounding, exactly: the context holds its whole part, the places and a carry."""
    digits = max(number.adjusted(), 0) + max(places, 0) + 2
    return number.quantize(Decimal((0, (1,), -places)), context=_exact_context(digits))


def without_trailing_zeros(number: Decimal) -> Decimal:
    """``99.900`` → ``99.9``, ``100.00`` → ``1E+2``: exact, as the context holds every digit."""
    return number.normalize(_exact_context(len(number.as_tuple().digits)))


def exact_product(a: Decimal, b: Decimal) -> Decimal:
    """``a × b`` with every digit kept, whatever the thread's context (a foreign price at its
    FX rate)."""
    digits = len(a.as_tuple().digits) + len(b.as_tuple().digits)
    return _exact_context(digits).multiply(a, b)


def format_indian(value: int | Decimal, places: int | None = None) -> str:
    """A number with Indian digit grouping: ``12345678.9`` → ``1,23,45,678.9``; with ``places``,
    rounded half up to that many decimals (``places=2`` → ``1,23,45,678.90``); without, exact
    with trailing fractional zeros dropped. Never an exponent, never "-0"."""
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"non-finite number {value!r} cannot be shown")
    if places is None:
        number = without_trailing_zeros(number) if number else ZERO
    else:
        number = round_half_up(number, places)
    sign = "-" if number < 0 else ""
    whole, _point, fraction = f"{number.copy_abs():f}".partition(".")
    return f"{sign}{group_indian(whole)}{'.' + fraction if fraction else ''}"


def format_inr(amount: Decimal, places: int | None = 2) -> str:
    """₹ with Indian digit grouping, rounded half up to ``places`` (the paisa by default; None:
    exact, trailing zeros dropped): 12345678.9 → "₹1,23,45,678.90"; -5 → "-₹5.00"."""
    text = format_indian(amount, places)
    return f"-₹{text[1:]}" if text.startswith("-") else f"₹{text}"


def format_count(value: int | Decimal) -> str:
    """A whole number with Indian digit grouping: 109500000 → "10,95,00,000" (a Decimal is
    rounded half up to a whole number)."""
    return format_indian(value, 0)


_UNITS = ((ONE, ""), (LAKH, "lakh"), (CRORE, "crore"), (LAKH_CRORE, "lakh crore"))


def in_unit(amount: str, unit: str) -> str:
    """``amount`` (already formatted, "₹4.50") read in ``unit`` ("lakh", "crore", "lakh crore";
    "" for none), in the active language: "₹4.50 lakh" / "₹4.50 लाख". Each unit is a whole
    message with the amount in it, so a language may put the word before the number."""
    match unit:
        case "lakh":
            return _("{amount} lakh").format(amount=amount)
        case "crore":
            return _("{amount} crore").format(amount=amount)
        case "lakh crore":
            return _("{amount} lakh crore").format(amount=amount)
        case "":
            return amount
    raise ValueError(f"unknown unit {unit!r}")


def format_lakh_crore(amount: Decimal, places: int | None = 2) -> str:
    """A rupee sum the way officers (and the Union Budget) read it: "₹4.50 lakh", "₹1.23 crore",
    and from a lakh crore (10^12) on "₹2.50 lakh crore", so a huge sum still reads as a grouped
    number of a unit; below a lakh, plain rupees. ``places=None`` gives the short reading of
    chart ticks and of the echo under a ₹ field: two decimals at most, trailing zeros dropped
    ("₹50 lakh", "₹1.5 crore", "₹50,000"). The division is exact and the rounding happens once;
    a sum that rounds up to the next unit is read in it ("₹1 lakh crore", not "₹1,00,000
    crore")."""
    number = Decimal(amount)
    digits = _exact_context(len(number.as_tuple().digits))
    step = max(i for i, (size, _unit) in enumerate(_UNITS) if i == 0 or abs(number) >= size)
    while True:
        size, unit = _UNITS[step]
        # Exact: dividing by a power of ten needs no more digits than the number has.
        in_units = round_half_up(digits.divide(number, size), 2 if places is None else places)
        if step + 1 == len(_UNITS) or abs(in_units) * size < _UNITS[step + 1][0]:
            break
        step += 1
    if places is not None:
        return in_unit(format_inr(in_units, places), unit)
    if in_units == in_units.to_integral_value():
        return in_unit(format_inr(in_units, 0), unit)
    # "₹1.5 crore", but "₹50,000.50": rupees keep both places of their paise.
    return in_unit(format_inr(in_units, 2 if step == 0 else None), unit)


def format_pct(value: Decimal) -> str:
    """A percentage for sentences: 18 → "18 %", 11.25 → "11.25 %", 7.50 → "7.5 %"."""
    text = decimal_to_str(ratio2(value), normalise=True)
    return f"{text} %"


def format_num(value: Decimal) -> str:
    """A plain number for sentences, trailing zeros removed: 115.850 → "115.85"."""
    return decimal_to_str(value, normalise=True)
