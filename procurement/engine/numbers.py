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


def format_inr(amount: Decimal) -> str:
    """₹ with Indian digit grouping and two decimals: 12345678.9 → "₹1,23,45,678.90"."""
    sign = "-" if amount < 0 else ""
    whole, _, frac = format(abs(paisa(amount)), "f").partition(".")
    return f"{sign}₹{group_indian(whole)}.{frac or '00'}"


def format_count(value: int) -> str:
    """A whole number with Indian digit grouping: 109500000 → "10,95,00,000"."""
    text = format_inr(Decimal(abs(value)))[1:-3]  # "₹1,23,456.00" → "1,23,456"
    return f"-{text}" if value < 0 else text


def format_pct(value: Decimal) -> str:
    """A percentage for sentences: 18 → "18 %", 11.25 → "11.25 %", 7.50 → "7.5 %"."""
    text = decimal_to_str(ratio2(value), normalise=True)
    return f"{text} %"


def format_num(value: Decimal) -> str:
    """A plain number for sentences, trailing zeros removed: 115.850 → "115.85"."""
    return decimal_to_str(value, normalise=True)
