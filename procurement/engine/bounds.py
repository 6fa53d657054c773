"""The ranges the engine accepts for its inputs: the one authority on every bound.

The engine checks its inputs against these ranges (validation.py), and everything that takes a
workload from a person or a system — the workload form, the API, the model's validators and the
database's CHECK constraints — reads them from here instead of restating a number.

The ranges are chosen so that every workload inside them gives a comparison the product can
compute, store and show: dates stay within a century whose contract ends are valid dates, and
volumes stay where totals keep far fewer digits than the engine's 50-digit arithmetic. They are
wide enough for any public body: a billion requests a day, a million tokens a request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Range:
    """A numeric range, both ends included unless ``low_open`` (then ``value > low``)."""

    low: Decimal
    high: Decimal
    low_open: bool = False

    def contains(self, value: Decimal | int) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return above and value <= self.high

    def describe(self) -> str:
        """The engine's words for the range: "between 1 and 10", "greater than 0 and at most 5"."""
        if self.low_open:
            return f"greater than {self.low} and at most {self.high}"
        return f"between {self.low} and {self.high}"


@dataclass(frozen=True, slots=True)
class DateRange:
    """Dates from ``earliest`` to ``latest``, both included."""

    earliest: dt.date
    latest: dt.date

    def contains(self, value: dt.date) -> bool:
        return self.earliest <= value <= self.latest

    def describe(self) -> str:
        return f"between {self.earliest.isoformat()} and {self.latest.isoformat()}"


@dataclass(frozen=True, slots=True)
class ItemsRange:
    """How many items a list holds, from ``fewest`` to ``most``."""

    fewest: int
    most: int

    def contains(self, count: int) -> bool:
        return self.fewest <= count <= self.most

    def describe(self) -> str:
        return f"between {self.fewest} and {self.most} items"


Bound = Range | DateRange | ItemsRange

# The dates the product plans for: a contract start or a decision date outside them is a typo,
# and the end of a ten-year contract starting on the last of them is still a valid date.
PLANNING_DATES = DateRange(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
# The largest rupee amount the engine takes as an input (a price, a fee, an estimated value):
# ₹9,99,99,99,99,999.99, just under one lakh crore.
MAX_MONEY = Decimal("999999999999.99")

WORKLOAD: Mapping[str, Bound] = MappingProxyType(
    {
        "languages": ItemsRange(1, 50),
        "requests_per_day": Range(Decimal(1), Decimal(10**9)),
        "mean_input_tokens": Range(Decimal(0), Decimal(10**6)),
        "mean_output_tokens": Range(Decimal(0), Decimal(10**6)),
        "cached_input_share_pct": Range(Decimal(0), Decimal(100)),
        # Above -50 %, so the sensitivity's spread of growth never reaches -100 %.
        "annual_growth_pct": Range(Decimal(-50), Decimal(500)),
        "peak_to_average": Range(Decimal(1), Decimal(100)),
        "term_years": Range(Decimal(1), Decimal(10)),
        "start_date": PLANNING_DATES,
        "data_classification": ItemsRange(1, 6),
        # Ten minutes: anything slower is not an answer a person waits for.
        "max_p95_latency_ms": Range(Decimal(1), Decimal(600_000)),
        "min_availability_pct": Range(Decimal(0), Decimal(100)),
        "estimated_value_inr": Range(Decimal(0), MAX_MONEY),
        "qcbs_technical_weight_pct": Range(Decimal(0), Decimal(100)),
    }
)
