"""The ranges the engine accepts for its inputs: the one authority on every bound.

The engine checks its inputs against these ranges (validation.py), and everything that takes a
workload from a person or a system — the workload form, the API, the model's validators and the
database's CHECK constraints — reads them from here instead of restating a number.

The ranges are chosen so that every input inside them gives a comparison the product can compute,
store and show: dates stay within a century whose contract ends are valid dates, and every
intermediate value stays finite in the engine's 50-digit Decimal context (numbers.ENGINE_CONTEXT).
They are wide enough for any public body: a billion requests a day, a million tokens a request.

The worst case, every field at its bound, is dedicated capacity: year-10 peak output of
10^9 requests/day × 365 × 6^9 (500 % growth) × 10^6 tokens × 100 (peak ratio) / 31 536 000 s is
1.2 × 10^19 tokens/s; at 0.001 tokens/s per GPU and 1 % target utilisation that is 1.2 × 10^24
GPUs, × 8 760 h × 10^9 a GPU-hour × 10^5 ₹ a unit of currency × 2^9 (100 % depreciation) × 2
(100 % tax) = 1.0 × 10^45 in year 10 and 1.1 × 10^45 over the term: under the 10^48 that a
50-digit amount in paise can hold. Such a total is then refused by :data:`COST_CEILING_INR`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from procurement.engine.i18n import gettext_noop


@dataclass(frozen=True, slots=True)
class Range:
    """A numeric range, both ends included. A quantity that must be positive has a real
    minimum (0.001 tokens/s, not "greater than 0"), so no input can be vanishingly small."""

    low: Decimal
    high: Decimal

    def contains(self, value: Decimal | int) -> bool:
        return self.low <= value <= self.high

    def describe(self) -> str:
        """The range in English words: "between 1 and 10". A fragment, so never translated: a
        message a person reads states its range in a whole sentence of its own
        (``_("must be between {low} and {high}")``, validation.py)."""
        return f"between {self.low} and {self.high}"


@dataclass(frozen=True, slots=True)
class DateRange:
    """Dates from ``earliest`` to ``latest``, both included."""

    earliest: dt.date
    latest: dt.date

    def contains(self, value: dt.date) -> bool:
        return self.earliest <= value <= self.latest

    def describe(self) -> str:
        """The dates in English words (a fragment, never translated: see :meth:`Range.describe`)."""
        return f"between {self.earliest.isoformat()} and {self.latest.isoformat()}"


@dataclass(frozen=True, slots=True)
class ItemsRange:
    """How many items a list holds, from ``fewest`` to ``most``."""

    fewest: int
    most: int

    def contains(self, count: int) -> bool:
        return self.fewest <= count <= self.most

    def describe(self) -> str:
        """The count in English words (a fragment, never translated: see :meth:`Range.describe`)."""
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


def _range(low: Decimal | int | str, high: Decimal | int | str) -> Range:
    return Range(Decimal(low), Decimal(high))


PERCENT = _range(0, 100)
RUPEES = Range(Decimal(0), MAX_MONEY)
# A century of days: longer than any retention, notice or staleness limit means anything.
DAYS = _range(0, 36_525)

# A request carries at least one token of input or of output (the blended ₹ per 1M tokens
# divides by their sum; either alone may be 0). Stated per field, not on the sum, so that the
# API's schema can say it exactly.
MIN_TOKENS_PER_REQUEST = Decimal(1)

# Offers, by path inside one offer ("price.gpu_hour_price" is offers[i].price.gpu_hour_price).
# Prices are in the offer's own currency.
OFFER: Mapping[str, Range] = MappingProxyType(
    {
        "provider.local_content_pct": PERCENT,
        "price.input_per_mtok": RUPEES,
        "price.cached_input_per_mtok": RUPEES,
        "price.output_per_mtok": RUPEES,
        # A thousand times any GPU-hour price seen, in any currency (an H100 hour is about ₹200).
        "price.gpu_hour_price": _range(0, 10**9),
        # One token every 1 000 seconds is the slowest service that is still a service; the
        # floor keeps the number of GPUs sized for a workload finite.
        "price.output_tokens_per_sec_per_gpu": _range("0.001", 10**9),
        "price.gpus_per_node": _range(1, 1024),
        "price.min_gpus": _range(1, 10**6),
        "price.onboarding_fee": RUPEES,
        "price.exit_fee": RUPEES,
        "context_window": _range(1, 10**9),
        # An hour: a measured p95 above it is an error in the measurement, not a latency.
        "p95_latency_ms": _range(0, 3_600_000),
        "sla_availability_pct": PERCENT,
        "retention_days": DAYS,
        "deprecation_notice_days": DAYS,
        "evaluations[].score": PERCENT,
    }
)

# Rupees for one unit of a currency: from a millionth of a rupee (weaker than any currency in use)
# to ₹1 lakh (the strongest, the Kuwaiti dinar, is about ₹290).
FX_RATE_TO_INR = _range("0.000001", 100_000)

# Policy packs, by path inside the pack ("[]" stands for every item of a list).
POLICY: Mapping[str, Range] = MappingProxyType(
    {
        "version": _range(1, 10**6),
        "quality.bars[].min_score": PERCENT,
        "contract_terms.max_retention.limit_days": DAYS,
        "contract_terms.min_deprecation_notice.limit_days": DAYS,
        "mii.class_i_min_lc_pct": PERCENT,
        "mii.class_ii_min_lc_pct_exclusive": PERCENT,
        "mii.exemption_below_inr": RUPEES,
        "mii.gte_threshold_inr": RUPEES,
        "mii.lc_certificate_above_inr": RUPEES,
        "evaluation.qcbs.technical_weight_pct": PERCENT,
        "evaluation.qcbs.min_technical_score": PERCENT,
        "evaluation.qcbs.max_technical_weight_pct": PERCENT,
        "evaluation.qcbs.ncs_max_technical_weight_pct": PERCENT,
        "evaluation.qcbs.ncs_value_limit_inr": RUPEES,
        "evaluation.qcbs.criteria[].max_marks": PERCENT,
        "preferences[].factor_pct": _range(0, 1000),
        "preferences[].margin_pct": PERCENT,
        "preferences[].band_pct": PERCENT,
        "preferences[].share_pct": PERCENT,
        "preferences[].cap_inr": RUPEES,
        "preferences[].schedule[].premium_pct": PERCENT,
        "taxes.rules[].rate_pct": PERCENT,
        "finance.discount_rate_pct": PERCENT,
        # Above -50 %, so the sensitivity's spread of depreciation never reaches -100 %.
        "finance.expected_inr_depreciation_pct": _range(-50, 100),
        # Capacity sized for less than 1 % use is not a plan; the floor keeps GPU counts finite.
        "finance.dedicated_target_utilisation_pct": _range(1, 100),
        "data_quality.price_stale_after_days": _range(1, 36_525),
        "data_quality.fx_stale_after_days": _range(1, 36_525),
        "logs_direction.retention_days": _range(1, 36_525),
        "procurement_modes[].up_to_inr": RUPEES,
    }
)

SENSITIVITY: Mapping[str, Range] = MappingProxyType(
    {
        "scenarios": _range(1, 1_000_000),
        "seed": _range(0, 2**63 - 1),
        "growth_spread_pct": PERCENT,
        "fx_depreciation_spread_pct": _range(0, 50),
        "price_spread_pct": _range(0, 99),
        "break_even_max_requests_per_day": _range(1, 10**12),
    }
)
# The memory the sensitivity analysis may take for its arrays (its estimate is
# sensitivity.memory_needed): 1 GiB, what one web or worker process can spare.
SENSITIVITY_MEMORY_BYTES = 2**30

# The cost sanity ceiling: ₹50,65,345 crore, the Union Government's total expenditure for
# 2025-26 (Budget Estimates, Union Budget 2025-26, "Budget at a Glance", 1 February 2025). No
# contract for AI inference costs more than the whole Union budget of a year, so an offer whose
# TCO, or any rupee figure of it, is above this is a data error (a price in the wrong unit or
# currency, a volume with extra zeros) and the comparison is refused, naming the offer.
COST_CEILING_INR = Decimal(50_65_345) * Decimal(10**7)
# English, marked for the catalogue: translate it where it is shown (a noun phrase; the sentence
# that shows it should rather hold the words itself).
COST_CEILING_SOURCE = gettext_noop(
    "the Union Government's total expenditure for 2025-26, ₹50,65,345 crore (Budget Estimates, "
    "Union Budget 2025-26, Budget at a Glance)"
)

# How deeply arrays and objects may nest in a JSON document the engine reads (a snapshot, a
# policy pack, inputs). The deepest the engine writes is 7 (a snapshot's
# inputs.policy.residency.rules[i].locations); 32 leaves room for the formats to grow, and a deeper
# document is refused before it is parsed, so no parser recurses on it.
MAX_JSON_DEPTH = 32
