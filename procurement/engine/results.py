"""Engine outputs: frozen dataclasses, money in ``Decimal`` rounded by the one rule in numbers.py.

Sensitivity figures come from float64 Monte Carlo; they are written as text or whole rupees and
named as estimates, never as Decimal amounts that would pretend to paisa precision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from procurement.engine.inputs import EvaluationMethod, Operator, PricingMode
from procurement.engine.policy import (
    Citation,
    Confidence,
    CostBasis,
    Instrument,
    SupplierLocation,
)

Status = Literal["pass", "fail", "warning"]
MiiClass = Literal["class_i", "class_ii", "non_local"]
HostingBucket = Literal["domestic_operator", "foreign_operator_in_country", "abroad"]
Mechanism = Literal[
    "l1",
    "qcbs",
    "price_evaluation_factor",
    "mii_match_l1",
    "transition_premium",
    "tie_band",
    "none",
]
PreferenceKind = Literal[
    "price_evaluation_factor", "mii_match_l1", "mse_match_l1", "transition_premium", "tie_band"
]
PreferenceStatus = Literal["applied", "not_applied", "scenario"]

# The fields of the results below that hold sentences a person reads (a rule's message, a note,
# the explanation lines…): the engine writes them in the active language (procurement.engine.i18n),
# and they are the only fields that language changes. Every other field is a figure, a code, an
# id or input data, the same in every language. No other field of any result type, at any depth,
# has one of these names (tests/engine/test_engine_language.py checks both).
SENTENCE_FIELDS = frozenset(
    {
        "confidence_label",
        "definition",
        "explanation",
        "interpretation",
        "message",
        "method_note",
        "note",
        "npv_convention",
        "premium_statement",
        "rounding_rule",
        "statement",
    }
)


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """One rule applied to one offer (or to the whole comparison): pass, fail or warning.

    ``code`` is stable (see docs/engine.md); ``message`` is a sentence with the numbers in it;
    ``subject`` narrows the code when a rule runs several times (a language, a certification).
    """

    code: str
    status: Status
    message: str
    citation: Citation
    confidence: Confidence
    confidence_label: str
    subject: str = ""


@dataclass(frozen=True, slots=True)
class FxUsed:
    """The FX rate used for a currency: the latest on or before the decision date."""

    currency: str
    rate_to_inr: Decimal
    date: dt.date
    source: str
    age_days: int
    is_demo: bool


@dataclass(frozen=True, slots=True)
class TaxApplied:
    """The tax rule applied to an offer; ``recoverable``: input tax credit, so no cost."""

    rule_id: str
    levy: str
    rate_pct: Decimal
    supplier_location: SupplierLocation
    recoverable: bool
    citation: Citation
    confidence: Confidence


@dataclass(frozen=True, slots=True)
class TcoYear:
    """One contract year. Money in INR, rounded once to the paisa; ``total_inr`` = usage +
    one-time + tax exactly; ``present_value_inr`` = total × discount factor, rounded once.

    ``requests`` and token counts are rounded to whole numbers for display only. Dedicated
    offers report the GPUs provisioned and the utilisation achieved (average and at peak).
    """

    year: int
    requests: int
    input_tokens: int
    output_tokens: int
    fx_rate: Decimal
    gpus: int | None
    utilisation_average_pct: Decimal | None
    utilisation_peak_pct: Decimal | None
    usage_inr: Decimal
    one_time_inr: Decimal
    tax_inr: Decimal
    total_inr: Decimal
    discount_factor: Decimal
    present_value_inr: Decimal


@dataclass(frozen=True, slots=True)
class TcoBreakdown:
    """Total cost of ownership of one offer for the workload, by contract year.

    ``nominal_total_inr`` = Σ year totals + exit total; ``npv_inr`` = Σ present values + exit
    present value (convention in ``npv_convention``). ``evaluated_cost_inr`` is the one on the
    policy's cost basis. ``cost_per_1000_requests_inr`` is all-in (nominal, tax and one-time
    costs included); ``blended_inr_per_mtok_ex_tax`` is recurring usage only, ex-tax, per 1M
    tokens at the workload's own input:output mix, comparable with a price card.
    """

    offer_id: str
    pricing_mode: PricingMode
    price_currency: str
    fx: FxUsed | None
    tax: TaxApplied
    years: tuple[TcoYear, ...]
    exit_fx_rate: Decimal
    exit_fee_inr: Decimal
    exit_tax_inr: Decimal
    exit_total_inr: Decimal
    exit_discount_factor: Decimal
    exit_present_value_inr: Decimal
    usage_total_inr: Decimal
    one_time_total_inr: Decimal
    tax_total_inr: Decimal
    nominal_total_inr: Decimal
    npv_inr: Decimal
    cost_basis: CostBasis
    evaluated_cost_inr: Decimal
    total_requests: int
    total_input_tokens: int
    total_output_tokens: int
    cost_per_1000_requests_inr: Decimal
    blended_inr_per_mtok_ex_tax: Decimal
    npv_convention: str


@dataclass(frozen=True, slots=True)
class OfferResult:
    """Everything the comparison found about one offer. ``operators``: who operates the regions
    it names (processing, storage, logs), each once, in that order."""

    offer_id: str
    name: str
    model_name: str
    provider_id: str
    provider_name: str
    pricing_mode: PricingMode
    price_currency: str
    mii_class: MiiClass | None
    supplier_location: SupplierLocation
    domestic_infrastructure: bool
    hosting: HostingBucket
    operators: tuple[Operator, ...]
    eligible: bool
    outcomes: tuple[RuleOutcome, ...]
    tco: TcoBreakdown | None
    evaluated_cost_inr: Decimal | None
    technical_score: Decimal | None
    financial_score: Decimal | None
    combined_score: Decimal | None
    rank: int | None
    uses_demo_data: bool


@dataclass(frozen=True, slots=True)
class EstimatedValue:
    """The estimated value used by value-dependent gates, and where it came from."""

    amount_inr: Decimal | None
    source: Literal["officer", "derived", "unknown"]
    basis_offer_id: str | None
    explanation: str


@dataclass(frozen=True, slots=True)
class PreferenceResult:
    """One preference of the pack, in pack order: applied or not, why, and its effect in rupees.

    ``effect_inr`` is the change in the cost the buyer pays on the policy's cost basis (zero when
    a Class-I supplier matches L1); ``effect_nominal_inr`` the same in nominal rupees.
    ``status`` is ``scenario`` for a preference the law does not give and the pack records no
    instrument for: ``scenario`` then says what it would have done. ``instrument`` is the
    empowering order when there is one; ``match_rounds`` the invitations to match L1 (Make in
    India, or MSE: the MSEs that accept share the pack's share of the tendered value).
    """

    kind: PreferenceKind
    status: PreferenceStatus
    reason: str
    message: str
    award_before: str | None
    award_after: str | None
    candidate_offer_id: str | None
    effect_inr: Decimal
    effect_nominal_inr: Decimal
    is_make_in_india_order: bool
    interpretation: str
    citation: Citation
    confidence: Confidence
    confidence_label: str
    instrument: Instrument | None = None
    scenario: PolicyScenario | None = None
    match_rounds: tuple[MatchRoundResult, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchRoundResult:
    """One invitation to match L1, in order: the Class-I offer (or MSE) invited, its evaluated cost,
    whether it accepted, whether that answer was ``stated`` (an officer's assumption or a
    supplier's reply) or ``assumed`` (no reply given: accepts), and whether its cost sat exactly
    at the margin limit."""

    round: int
    offer_id: str
    evaluated_cost_inr: Decimal
    accepted: bool
    answer: Literal["stated", "assumed"]
    at_boundary: bool


@dataclass(frozen=True, slots=True)
class PolicyScenario:
    """What a preference without an empowering instrument would have done had it been applied:
    the offer that would have taken the award (None: it would not have moved it), the premium
    that would have been paid over the actual award (on the cost basis and nominal), and the
    inferences that would have moved to domestic infrastructure."""

    would_award_offer_id: str | None
    premium_inr: Decimal
    premium_nominal_inr: Decimal
    premium_pct: Decimal
    domestic_inferences_gained: int
    statement: str


@dataclass(frozen=True, slots=True)
class AwardOutcome:
    """An award: which offer, by which mechanism, at whose price, and the premium paid.

    ``price_offer_id`` is the offer whose evaluated cost the buyer pays (L1's, when a Class-I
    supplier matches L1). The premium is measured against the award before any preference and
    is never negative.
    """

    offer_id: str | None
    mechanism: Mechanism
    price_offer_id: str | None
    cost_inr: Decimal | None
    nominal_inr: Decimal | None
    premium_paid_inr: Decimal
    premium_paid_nominal_inr: Decimal
    premium_paid_pct: Decimal


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The recommended award, how it was reached, the runner-up and the premium paid."""

    award: AwardOutcome
    cost_basis: CostBasis
    evaluation_method: EvaluationMethod
    raw_l1_offer_id: str | None
    raw_l1_cost_inr: Decimal | None
    raw_award_offer_id: str | None
    raw_award_cost_inr: Decimal | None
    runner_up_offer_id: str | None
    premium_statement: str


@dataclass(frozen=True, slots=True)
class MiiPlanning:
    """Planning mode: catalogue prices stand in for bids, so whether each invited Class-I
    supplier accepts to match L1 is an assumption (stated per offer; by default all accept). The
    two extremes are shown: every invited supplier accepts, every one declines.
    ``within_margin_offer_ids`` are the Class-I offers that would be invited, in order."""

    declining_offer_ids: tuple[str, ...]
    within_margin_offer_ids: tuple[str, ...]
    statement: str
    if_accepts: AwardOutcome
    if_declines: AwardOutcome


@dataclass(frozen=True, slots=True)
class DomesticShare:
    """Where the workload's inferences would run under the recommended award, by operator.

    Inferences are the requests over the whole term. Buckets: on a domestic operator in the home
    country (domestic infrastructure, the pack's definition), on a foreign operator in the home
    country, and abroad.
    """

    total_inferences: int
    domestic_operator_inferences: int
    foreign_operator_in_country_inferences: int
    abroad_inferences: int
    domestic_operator_pct: Decimal
    foreign_operator_in_country_pct: Decimal
    abroad_pct: Decimal
    definition: str


@dataclass(frozen=True, slots=True)
class SensitivityConfig:
    """Monte Carlo settings. Each driver is drawn from a symmetric triangular distribution:

    * annual growth: workload growth ± ``growth_spread_pct`` percentage points;
    * INR depreciation: the policy's expectation ± ``fx_depreciation_spread_pct`` points
      (foreign-currency offers only);
    * price: each offer's recurring prices × (1 ± ``price_spread_pct`` %), drawn per offer and
      scenario (catalogue prices standing in for bids).

    ``seed`` makes a run reproducible. ``break_even_max_requests_per_day`` bounds the search.
    """

    scenarios: int = 10_000
    seed: int = 0
    growth_spread_pct: Decimal = Decimal(10)
    fx_depreciation_spread_pct: Decimal = Decimal(3)
    price_spread_pct: Decimal = Decimal(15)
    break_even_max_requests_per_day: int = 1_000_000_000


@dataclass(frozen=True, slots=True)
class AwardFrequency:
    """How often an offer was the final award across scenarios (text, four decimals)."""

    offer_id: str
    share: str


@dataclass(frozen=True, slots=True)
class PremiumDistribution:
    """The premium paid across scenarios, in whole rupees (float64 estimates)."""

    mean_inr: int
    p5_inr: int
    p50_inr: int
    p95_inr: int
    max_inr: int
    probability_positive: str


@dataclass(frozen=True, slots=True)
class BreakEven:
    """The requests/day at which the best dedicated offer costs no more than the best
    serverless offer (both eligible, on the policy's cost basis); float64 estimate."""

    requests_per_day: int | None
    serverless_offer_id: str | None
    dedicated_offer_id: str | None
    dedicated_cheaper_at_workload_volume: bool | None
    stays_cheaper_above: bool | None
    note: str


@dataclass(frozen=True, slots=True)
class FlipPremium:
    """The transition premium (exact, base case) at which a domestic offer would take the award
    from the award before the transition premium; ``premium_inr`` is the extra cost."""

    premium_pct: Decimal | None
    premium_inr: Decimal | None
    domestic_offer_id: str | None
    comparator_offer_id: str | None
    note: str


@dataclass(frozen=True, slots=True)
class SensitivityResult:
    """Monte Carlo results (float64, seeded) plus the break-even volume and flip premium."""

    scenarios: int
    seed: int
    method_note: str
    candidates_considered: int
    candidate_offer_ids: tuple[str, ...]
    probability_recommendation_changes: str
    award_frequencies: tuple[AwardFrequency, ...]
    premium: PremiumDistribution | None
    break_even: BreakEven
    flip_premium: FlipPremium


@dataclass(frozen=True, slots=True)
class ComparisonResult:
    """The full result of :func:`procurement.engine.compare`."""

    engine_version: str
    decision_date: dt.date
    policy_pack_id: str
    policy_version: int
    evaluation_method: EvaluationMethod
    cost_basis: CostBasis
    npv_convention: str
    rounding_rule: str
    fx_used: tuple[FxUsed, ...]
    estimated_value: EstimatedValue
    gates: tuple[RuleOutcome, ...]
    offers: tuple[OfferResult, ...]
    ranking: tuple[str, ...]
    preferences: tuple[PreferenceResult, ...]
    recommendation: Recommendation
    mii_planning: MiiPlanning | None
    domestic_share: DomesticShare | None
    sensitivity: SensitivityResult | None
    explanation: tuple[str, ...]
    uses_demo_data: bool

    def offer(self, offer_id: str) -> OfferResult:
        """The result for one offer (KeyError when absent)."""
        for result in self.offers:
            if result.offer_id == offer_id:
                return result
        raise KeyError(offer_id)
