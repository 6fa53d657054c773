"""Sensitivity analysis: seeded, vectorised Monte Carlo over growth, FX depreciation and prices;
the break-even volume between dedicated and serverless; the premium at which the award flips.

This is the one place the engine uses binary floating point (NumPy float64). Its figures are
estimates: they are reported as whole rupees or as text with a fixed number of decimals, and
they never flow back into a Decimal amount. The exact (Decimal) TCO, ranking and award are
computed elsewhere and are not changed by anything here.

Model. Each eligible offer's cost on the policy's basis is, for drivers g (growth), d (INR
depreciation) and f (the offer's price factor) in one scenario::

    C = τ·spot · ( f · recurring(g, d) + onboarding + exit · X_N(d) · D_N )

with recurring = a · Σ_y G_y·X_y·D_y for serverless offers (a = year-1 usage) and
h · Σ_y ⌈max(m, q·G_y)⌉·X_y·D_y for dedicated offers (h = node-year price, q = nodes per unit
growth, m = minimum nodes); G_y = (1+g)^y, X_y = (1+d)^y for foreign currency (1 for INR),
D_y = (1+r)^−y on an NPV basis (1 on a nominal basis), τ = 1 + tax rate. This is the TCO formula
of tco.py without its per-line rounding.

Each driver is drawn from a symmetric triangular distribution (bounded, so no absurd tails and
exact pruning): g and d once per scenario, f per offer and scenario. Every scenario then goes
through the same evaluation and preferences as the exact engine (award.decide_award), written
with array operations. Offers that cannot be the cheapest of any group the award logic looks at
(all, Class-I, domestic; or the QCBS leader) in any scenario are pruned first, exactly, from
bounds of their cost over cells of the (growth, depreciation) box (costs rise with every
driver): see :func:`prune`.

A plain per-scenario Python loop (:func:`simulate_loop`) computes the same thing through
award.decide_award with floats; a test checks that both give identical awards and premiums.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from procurement.engine.award import AwardRules, Contender, StepSpec, decide_award
from procurement.engine.facts import is_domestic_infrastructure, mii_class
from procurement.engine.i18n import _, ngettext
from procurement.engine.numbers import (
    DAYS_PER_YEAR,
    HOURS_PER_YEAR,
    ONE,
    SECONDS_PER_YEAR,
    ZERO,
    engine_precision,
    format_count,
    format_inr,
    format_pct,
    fraction,
    percent_of,
)
from procurement.engine.policy import TransitionPremiumPreference, instrument_of
from procurement.engine.results import (
    AwardFrequency,
    BreakEven,
    FlipPremium,
    PremiumDistribution,
    SensitivityConfig,
    SensitivityResult,
)
from procurement.engine.state import Prepared, contenders_of
from procurement.engine.tco import price_serverless_usage

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


def method_note() -> str:
    """How the sensitivity analysis works, as results state it, in the active language."""
    return _(
        "Seeded Monte Carlo in float64 (NumPy). Growth, INR depreciation and each offer's "
        "recurring prices are drawn from symmetric triangular distributions; every scenario is "
        "evaluated with the pack's method and preferences, eligibility and the estimated value "
        "held at the base case. Figures are estimates: probabilities to four decimals, rupees to "
        "the whole rupee."
    )


_EPS = 1e-9
# Memory of the vectorised run. The price factor of every offer in every scenario is drawn at
# once (one float64 array, offers × scenarios, so the draws do not depend on how the work is
# cut); costs and awards are then worked out in blocks of scenarios of at most BLOCK_VALUES
# values, each block using up to BLOCK_ARRAYS working arrays of that size (tracemalloc peaks:
# 5.0 to 5.2 times offers × scenarios × 8 bytes while one block holds everything).
BYTES_PER_VALUE = 8
BLOCK_VALUES = 4_000_000
BLOCK_ARRAYS = 5
# Pruning cells over the (growth, depreciation) box: finer cells prune more, at a cost linear
# in their number; 16 × 4 keeps pruning well under the scenario run's own time.
_GROWTH_CELLS = 16
_FX_CELLS = 4


@dataclass(frozen=True)
class SensitivityModel:
    """Float64 parameters of every eligible offer (offer-id order) and the award rules.

    Per-offer arrays: ``ts`` tax multiplier × spot FX; ``serverless_year1`` year-1 usage in the
    price currency (0 for dedicated); ``node_year`` price of one node for a year; ``q`` nodes per
    unit of growth factor (peak sizing); ``min_nodes``; ``onboarding`` and ``exit_fee`` in the
    price currency; flags ``dedicated``, ``foreign``, ``class_i``, ``domestic``, ``accepts``
    (accepts an invitation to match L1); ``nominal_ratio`` nominal TCO over the evaluated cost in
    the exact comparison (1 on a nominal basis), which turns a scenario's cost into the nominal
    rupees the premium cap limits (an estimate, like every figure here); ``technical`` (already
    normalised when the pack normalises, so pruning cannot change it).
    """

    offer_ids: tuple[str, ...]
    base_award: int
    dedicated: BoolArray
    foreign: BoolArray
    ts: FloatArray
    serverless_year1: FloatArray
    node_year: FloatArray
    q: FloatArray
    min_nodes: FloatArray
    onboarding: FloatArray
    exit_fee: FloatArray
    class_i: BoolArray
    domestic: BoolArray
    accepts: BoolArray
    nominal_ratio: FloatArray
    technical: FloatArray
    growth: float
    depreciation: float
    discount: tuple[float, ...]
    term_years: int
    requests_per_day: int
    rules: AwardRules[float]
    flip: FlipPremium


@dataclass(frozen=True)
class ScenarioOutcome:
    """Per scenario: the final award (index into the model's offers) and the premium paid."""

    awards: IntArray
    premiums: FloatArray
    candidates: IntArray


@engine_precision
def build_model(p: Prepared) -> SensitivityModel | None:
    """The float64 model of a prepared comparison (None when no offer is eligible)."""
    if p.decision is None or p.rules is None:
        return None
    w, policy = p.workload, p.policy
    util = fraction(policy.finance.dedicated_target_utilisation_pct)
    year1_requests = Decimal(w.requests_per_day) * DAYS_PER_YEAR
    tokens_in = year1_requests * w.mean_input_tokens
    tokens_out = year1_requests * w.mean_output_tokens
    peak_tps = tokens_out / SECONDS_PER_YEAR * w.peak_to_average
    cached = fraction(w.cached_input_share_pct)
    rows: dict[str, list[float]] = {
        k: [] for k in ("ts", "a", "h", "q", "m", "onb", "exit", "tech")
    }
    flags: dict[str, list[bool]] = {k: [] for k in ("ded", "for", "ci", "dom", "acc")}
    declines = p.declines()
    ratios: list[float] = []
    for s in p.eligible:
        offer, tco = s.offer, s.priced()
        price = offer.price
        spot = s.fx.rate_to_inr if s.fx is not None else ONE
        tax = ONE if tco.tax.recoverable else ONE + fraction(tco.tax.rate_pct)
        rows["ts"].append(float(tax * spot))
        if offer.pricing_mode == "serverless":
            rows["a"].append(float(price_serverless_usage(tokens_in, tokens_out, cached, price)))
            rows["h"].append(0.0)
            rows["q"].append(0.0)
            rows["m"].append(0.0)
        else:
            assert price.gpu_hour_price is not None
            assert price.output_tokens_per_sec_per_gpu is not None
            node = Decimal(price.gpus_per_node)
            rows["a"].append(0.0)
            rows["h"].append(float(node * HOURS_PER_YEAR * price.gpu_hour_price))
            rows["q"].append(float(peak_tps / (price.output_tokens_per_sec_per_gpu * util * node)))
            rows["m"].append(float(Decimal(price.min_gpus) / node))
        rows["onb"].append(float(price.onboarding_fee))
        rows["exit"].append(float(price.exit_fee))
        rows["tech"].append(float(s.technical) if s.technical is not None else 0.0)
        flags["ded"].append(offer.pricing_mode == "dedicated")
        flags["for"].append(price.currency != "INR")
        flags["ci"].append(mii_class(offer, policy) == "class_i")
        flags["dom"].append(is_domestic_infrastructure(offer, policy))
        flags["acc"].append(offer.offer_id not in declines)
        evaluated = tco.evaluated_cost_inr
        ratios.append(float(tco.nominal_total_inr / evaluated) if evaluated > 0 else 1.0)
    technical = np.array(rows["tech"], dtype=np.float64)
    rules = _float_rules(p.rules)
    if p.rules.normalise_technical and technical.size and technical.max() > 0:
        # Normalise once over every eligible offer: pruning must not change S_T.
        technical = 100.0 * technical / technical.max()
    r = 1.0 + float(fraction(policy.finance.discount_rate_pct))
    npv = policy.evaluation.cost_basis == "npv"
    discount: list[float] = []
    acc = 1.0
    for _year in range(w.term_years + 1):
        discount.append(1.0 / acc if npv else 1.0)
        acc = acc * r
    return SensitivityModel(
        offer_ids=tuple(p.eligible_ids()),
        base_award=p.decision.award,
        dedicated=np.array(flags["ded"], dtype=np.bool_),
        foreign=np.array(flags["for"], dtype=np.bool_),
        ts=np.array(rows["ts"], dtype=np.float64),
        serverless_year1=np.array(rows["a"], dtype=np.float64),
        node_year=np.array(rows["h"], dtype=np.float64),
        q=np.array(rows["q"], dtype=np.float64),
        min_nodes=np.array(rows["m"], dtype=np.float64),
        onboarding=np.array(rows["onb"], dtype=np.float64),
        exit_fee=np.array(rows["exit"], dtype=np.float64),
        class_i=np.array(flags["ci"], dtype=np.bool_),
        domestic=np.array(flags["dom"], dtype=np.bool_),
        accepts=np.array(flags["acc"], dtype=np.bool_),
        nominal_ratio=np.array(ratios, dtype=np.float64),
        technical=technical,
        growth=float(fraction(w.annual_growth_pct)),
        depreciation=float(fraction(policy.finance.expected_inr_depreciation_pct)),
        discount=tuple(discount),
        term_years=w.term_years,
        requests_per_day=w.requests_per_day,
        rules=rules,
        flip=flip_premium(p),
    )


def _float_rules(rules: AwardRules[Decimal]) -> AwardRules[float]:
    return AwardRules(
        method=rules.method,
        technical_weight=float(rules.technical_weight),
        financial_weight=float(rules.financial_weight),
        steps=tuple(
            StepSpec(
                s.kind,
                float(s.fraction),
                cap=float(s.cap) if s.cap is not None else None,
                inclusive=s.inclusive,
                inactive_reason=s.inactive_reason,
                scenario=s.scenario,
            )
            for s in rules.steps
        ),
        zero=0.0,
        one=1.0,
        hundred=100.0,
        normalise_technical=False,  # technical scores in the model are already normalised
    )


def flip_premium(p: Prepared) -> FlipPremium:
    """The smallest transition premium (and extra rupees) at which a domestic offer would take
    the award from the award standing before the first domestic-band preference (exact)."""
    decision = p.decision
    if decision is None:
        return FlipPremium(None, None, None, None, _("No eligible offer."))
    ids = [s.offer.offer_id for s in p.eligible]
    contenders = contenders_of(p.eligible, p.policy)
    band = next((r for r in decision.steps if r.kind in ("transition_premium", "tie_band")), None)
    if band is not None:
        comparator, price = band.award_before, band.price_before
    else:
        comparator, price = decision.award, decision.price
    if contenders[comparator].domestic:
        return FlipPremium(
            None,
            None,
            None,
            ids[comparator],
            _("{offer} is already domestic infrastructure without any premium.").format(
                offer=ids[comparator]
            ),
        )
    domestic = [k for k, c in enumerate(contenders) if c.domestic]
    if not domestic:
        return FlipPremium(
            None, None, None, ids[comparator], _("No eligible offer is domestic infrastructure.")
        )
    cheapest = min(domestic, key=lambda k: (contenders[k].cost, k))
    cost = contenders[cheapest].cost
    extra = cost - price
    if price <= 0:
        return FlipPremium(
            None, extra, ids[cheapest], ids[comparator], _("The comparator is free.")
        )
    pct = max(ZERO, percent_of(cost - price, price))
    allowed = p.policy.transition_premium_pct(p.decision_date)
    empowered = any(
        isinstance(pref, TransitionPremiumPreference) and instrument_of(pref) is not None
        for pref in p.policy.preferences
    )
    if empowered:
        note = _(
            "A transition premium of {premium} (exactly {extra} more, within any cap) would move "
            "the award from {comparator} to {domestic}; the pack allows {allowed} on {date}."
        )
    else:
        note = _(
            "A transition premium of {premium} (exactly {extra} more, within any cap) would move "
            "the award from {comparator} to {domestic}; the pack records no instrument "
            "empowering a premium ({allowed} on {date} as a policy scenario only)."
        )
    return FlipPremium(
        premium_pct=pct,
        premium_inr=max(ZERO, extra) + Decimal("0.00"),
        domestic_offer_id=ids[cheapest],
        comparator_offer_id=ids[comparator],
        note=note.format(
            premium=format_pct(pct),
            extra=format_inr(max(ZERO, extra)),
            comparator=ids[comparator],
            domestic=ids[cheapest],
            allowed=format_pct(allowed),
            date=p.decision_date.isoformat(),
        ),
    )


# --------------------------------------------------------------------------- costs


def scenario_costs(
    m: SensitivityModel, g: FloatArray, d: FloatArray, f: FloatArray, cols: IntArray
) -> FloatArray:
    """Costs (scenarios × offers ``cols``) on the policy's basis, for drivers g and d (one per
    scenario) and price factors f (offers × scenarios, ``f[j, s]`` for offer ``cols[j]``).

    Years are summed in order, one vector step per year, with exactly the float operations of
    :func:`simulate_loop` (both give identical bits). The work is laid out offers × scenarios, so
    every inner loop runs over the scenarios (long, contiguous), in four groups of offers —
    serverless or dedicated, INR or a foreign currency — so no step needs a per-element choice.
    """
    n_s = g.shape[0]
    one_g = 1.0 + g
    one_d = 1.0 + d
    growth = np.ones(n_s)
    fx = np.ones(n_s)
    acc_inr = np.zeros(n_s)
    acc_for = np.zeros(n_s)
    dedicated = m.dedicated[cols]
    foreign = m.foreign[cols]
    groups = {
        (ded, fgn): np.flatnonzero((dedicated == ded) & (foreign == fgn))
        for ded in (False, True)
        for fgn in (False, True)
    }
    node_sums: dict[bool, FloatArray] = {}
    scratch: dict[bool, FloatArray] = {}
    per_growth: dict[bool, FloatArray] = {}
    minimum: dict[bool, FloatArray] = {}
    for fgn in (False, True):
        offers = cols[groups[(True, fgn)]]
        node_sums[fgn] = np.zeros((offers.size, n_s))
        scratch[fgn] = np.empty((offers.size, n_s))
        per_growth[fgn] = m.q[offers][:, None]
        minimum[fgn] = m.min_nodes[offers][:, None]
    for y in range(m.term_years):
        if y:
            growth = growth * one_g
            fx = fx * one_d
        w_inr = m.discount[y]
        w_for = fx * w_inr
        acc_inr = acc_inr + growth * w_inr
        acc_for = acc_for + growth * w_for
        for fgn, weight in ((False, w_inr), (True, w_for)):
            nodes = scratch[fgn]
            if not nodes.size:
                continue
            np.multiply(per_growth[fgn], growth, out=nodes)
            np.maximum(minimum[fgn], nodes, out=nodes)
            np.ceil(nodes, out=nodes)
            np.multiply(nodes, weight, out=nodes)
            np.add(node_sums[fgn], nodes, out=node_sums[fgn])
    exit_inr = m.discount[m.term_years]
    exit_for = fx * one_d * exit_inr
    costs = np.empty((cols.size, n_s))
    for (ded, fgn), position in groups.items():
        if not position.size:
            continue
        offers = cols[position]
        if ded:
            recurring = m.node_year[offers][:, None] * node_sums[fgn]
        else:
            recurring = m.serverless_year1[offers][:, None] * (acc_for if fgn else acc_inr)
        exit_weight = exit_for if fgn else exit_inr
        one_time = m.onboarding[offers][:, None] + m.exit_fee[offers][:, None] * exit_weight
        costs[position] = m.ts[offers][:, None] * (f[position] * recurring + one_time)
    result: FloatArray = np.ascontiguousarray(costs.T)
    return result


def _driver_bounds(m: SensitivityModel, c: SensitivityConfig) -> tuple[tuple[float, float], ...]:
    sg = float(c.growth_spread_pct) / 100.0
    sd = float(c.fx_depreciation_spread_pct) / 100.0
    sp = float(c.price_spread_pct) / 100.0
    return (
        (m.growth - sg, m.growth + sg),
        (m.depreciation - sd, m.depreciation + sd),
        (1.0 - sp, 1.0 + sp),
    )


def _triangular(
    rng: np.random.Generator, low: float, mode: float, high: float, size: int | tuple[int, int]
) -> FloatArray:
    """Triangular draws on [low, high] with the given mode (every draw within the bounds, which
    the exact pruning relies on); a constant when the spread is zero."""
    if high <= low:
        return np.full(size, mode, dtype=np.float64)
    draws: FloatArray = rng.triangular(low, mode, high, size)
    return draws


# --------------------------------------------------------------------------- pruning


def prune(m: SensitivityModel, c: SensitivityConfig) -> IntArray:
    """Offers that can matter in some scenario (sorted indices): exact, from cost bounds.

    Growth and depreciation are common to every offer in a scenario, so the (growth,
    depreciation) box is cut into cells; within a cell every offer's cost lies between its cost at
    the cell's low corner with the lowest price factor and at the high corner with the highest
    (costs rise with every driver). An offer is kept when, in some cell, it could be the cheapest
    of a group the award logic looks at (all offers; Class-I; domestic; with the evaluation
    factor applied), could lead a QCBS ranking, or could fall in a domestic band.
    """
    k = len(m.offer_ids)
    everyone = np.arange(k, dtype=np.intp)
    (g_lo, g_hi), (d_lo, d_hi), (f_lo, f_hi) = _driver_bounds(m, c)
    n_g = _GROWTH_CELLS if g_hi > g_lo else 1
    n_d = _FX_CELLS if d_hi > d_lo and m.foreign.any() else 1
    g_edges = np.linspace(g_lo, g_hi, n_g + 1)
    d_edges = np.linspace(d_lo, d_hi, n_d + 1)
    cells = n_g * n_d
    low = scenario_costs(
        m,
        np.repeat(g_edges[:-1], n_d),
        np.tile(d_edges[:-1], n_g),
        np.full((k, cells), f_lo),
        everyone,
    )
    high = scenario_costs(
        m,
        np.repeat(g_edges[1:], n_d),
        np.tile(d_edges[1:], n_g),
        np.full((k, cells), f_hi),
        everyone,
    )
    rules = m.rules
    active = [s for s in rules.steps if not s.inactive_reason and not s.scenario]
    keep = np.zeros(k, dtype=np.bool_)
    all_mask = np.ones(k, dtype=np.bool_)

    def could_be_min(mask: BoolArray, lo: FloatArray, hi: FloatArray) -> BoolArray:
        if not mask.any():
            return np.zeros(k, dtype=np.bool_)
        ceiling = hi[:, mask].min(axis=1, keepdims=True)
        inside = lo <= ceiling * (1.0 + _EPS) + _EPS
        result: BoolArray = mask & inside.any(axis=0)
        return result

    variants = [(low, high)]
    for s in active:
        if s.kind == "price_evaluation_factor":
            load = 1.0 + s.fraction
            variants.append(
                (np.where(m.domestic, low, low * load), np.where(m.domestic, high, high * load))
            )
    for lo, hi in variants:
        keep |= could_be_min(all_mask, lo, hi)  # L1, and F_min under QCBS
        if rules.method == "qcbs":
            keep |= _could_lead_qcbs(m, lo, hi)
    if any(s.kind == "mii_match_l1" and (rules.method == "l1" or s.qcbs_reading) for s in active):
        keep |= could_be_min(m.class_i & m.accepts, low, high)
    if rules.method == "l1" and any(s.kind in ("transition_premium", "tie_band") for s in active):
        keep |= could_be_min(m.domestic, low, high)
    if any(s.cap is not None for s in active):
        # The cap limits nominal rupees, which need not rank like the evaluated cost: any
        # domestic offer may be the one within it.
        keep |= m.domestic
    else:
        bands = [s.fraction for s in active if s.kind in ("transition_premium", "tie_band")]
        if bands and keep.any():
            # The price before a band is some kept contender's cost: at most the highest bound.
            limit = high[:, keep].max(axis=1, keepdims=True) * (1.0 + max(bands))
            inside = low <= limit * (1.0 + _EPS) + _EPS
            keep |= m.domestic & inside.any(axis=0)
    chosen: IntArray = np.flatnonzero(keep).astype(np.intp)
    return chosen


def _could_lead_qcbs(m: SensitivityModel, lo: FloatArray, hi: FloatArray) -> BoolArray:
    """Per cell: the best score an offer could reach against the worst score of the best
    guaranteed offer (S_F = 100 × F_min / F is bounded through F_min's own bounds)."""
    rules = m.rules
    f_min_lo = lo.min(axis=1, keepdims=True)
    f_min_hi = hi.min(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        sf_max = np.where(lo > 0, np.minimum(100.0, 100.0 * f_min_hi / lo), 100.0)
        sf_min = np.where(hi > 0, 100.0 * f_min_lo / hi, 100.0)
    s_max = m.technical * rules.technical_weight + sf_max * rules.financial_weight
    s_min = m.technical * rules.technical_weight + sf_min * rules.financial_weight
    leaders = s_max >= s_min.max(axis=1, keepdims=True) - 100.0 * _EPS
    result: BoolArray = leaders.any(axis=0)
    return result


# --------------------------------------------------------------------------- vectorised award


def _evaluate(
    m: SensitivityModel, costs: FloatArray, technical: FloatArray
) -> tuple[IntArray, FloatArray]:
    rules = m.rules
    if rules.method == "l1":
        return np.argmin(costs, axis=1), costs
    f_min = costs.min(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        financial = np.where(costs == f_min, 100.0, 100.0 * f_min / costs)
    combined: FloatArray = technical * rules.technical_weight + financial * rules.financial_weight
    return np.argmax(combined, axis=1), combined


def decide_vectorised(
    m: SensitivityModel, costs: FloatArray, cols: IntArray
) -> tuple[IntArray, FloatArray]:
    """Final award (index into ``cols``) and premium per scenario; mirrors award.decide_award."""
    rules = m.rules
    n_s = costs.shape[0]
    rows = np.arange(n_s)
    domestic = m.domestic[cols]
    class_i = m.class_i[cols]
    invitable = class_i & m.accepts[cols]
    technical = m.technical[cols]
    nominal = costs * m.nominal_ratio[cols][None, :]
    award, key = _evaluate(m, costs, technical)
    price = costs[rows, award]
    raw_price = price
    evaluated = costs
    decided = np.zeros(n_s, dtype=np.bool_)  # the Make in India order decided the award
    for step in rules.steps:
        if step.inactive_reason or step.scenario or step.kind == "mse_match_l1":
            continue  # an MSE share moves neither the award nor the price
        if step.kind == "mii_match_l1":
            if (rules.method != "l1" and not step.qcbs_reading) or not class_i.any():
                continue
            # The first invited Class-I to accept is the cheapest accepting one within the margin.
            masked = np.where(invitable, costs, np.inf)
            lowest = np.argmin(masked, axis=1)
            cost = masked[rows, lowest]
            limit = price * (1.0 + step.fraction)
            within = cost <= limit if step.inclusive else cost < limit
            award = np.where(~class_i[award] & within, lowest, award)
            decided = class_i[award]
        elif step.kind == "price_evaluation_factor":
            loaded = np.where(domestic, costs, costs * (1.0 + step.fraction))
            moved, moved_key = _evaluate(m, loaded, technical)
            award = np.where(decided, award, moved)
            key = np.where(decided[:, None], key, moved_key)
            evaluated = np.where(decided[:, None], evaluated, loaded)
            price = np.where(decided, price, costs[rows, award])
        else:
            if not domestic.any():
                continue
            limit = price * (1.0 + step.fraction)
            ok = domestic[None, :] & (costs <= limit[:, None])
            if step.cap is not None:
                ok &= nominal - nominal[rows, award][:, None] <= step.cap
            if rules.method == "l1":
                best = np.argmin(np.where(ok, evaluated, np.inf), axis=1)
            else:
                best = np.argmax(np.where(ok, key, -np.inf), axis=1)
            switch = ~decided & ~domestic[award] & ok.any(axis=1)
            award = np.where(switch, best, award)
            price = np.where(switch, costs[rows, best], price)
    premiums: FloatArray = np.maximum(0.0, price - raw_price)
    return award, premiums


def draw(
    m: SensitivityModel, c: SensitivityConfig, n_cols: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The drivers for every scenario: growth, depreciation, and price factors (``n_cols`` offers
    × scenarios), from one generator seeded with ``c.seed`` (in that order)."""
    rng = np.random.default_rng(c.seed)
    (g_lo, g_hi), (d_lo, d_hi), (f_lo, f_hi) = _driver_bounds(m, c)
    n_s = c.scenarios
    g = _triangular(rng, g_lo, m.growth, g_hi, n_s)
    d = _triangular(rng, d_lo, m.depreciation, d_hi, n_s)
    f = _triangular(rng, f_lo, 1.0, f_hi, (n_cols, n_s))
    return g, d, f


def simulate_vectorised(m: SensitivityModel, c: SensitivityConfig) -> ScenarioOutcome:
    """Every scenario at once with NumPy (after pruning)."""
    cols = prune(m, c)
    g, d, f = draw(m, c, cols.size)
    block = max(1, BLOCK_VALUES // max(1, cols.size))
    awards = np.empty(c.scenarios, dtype=np.intp)
    premiums = np.empty(c.scenarios, dtype=np.float64)
    for start in range(0, c.scenarios, block):  # bounded memory for large catalogues
        stop = min(c.scenarios, start + block)
        costs = scenario_costs(m, g[start:stop], d[start:stop], f[:, start:stop], cols)
        award, premium = decide_vectorised(m, costs, cols)
        awards[start:stop] = cols[award]
        premiums[start:stop] = premium
    return ScenarioOutcome(awards, premiums, cols)


def memory_needed(offers: int, scenarios: int) -> int:
    """Bytes the vectorised run may need for ``scenarios`` over ``offers`` offers: the price
    factors of all of them, and one block's working arrays (no offer assumed pruned)."""
    values = offers * scenarios
    return BYTES_PER_VALUE * (values + BLOCK_ARRAYS * min(values, BLOCK_VALUES))


def scenarios_within(offers: int, memory: int) -> int:
    """The most scenarios over ``offers`` offers whose :func:`memory_needed` fits ``memory``."""
    low, high = 0, memory // BYTES_PER_VALUE + 1  # memory_needed(offers, high) > memory
    while high - low > 1:
        middle = (low + high) // 2
        if memory_needed(offers, middle) <= memory:
            low = middle
        else:
            high = middle
    return low


def simulate_loop(
    m: SensitivityModel, c: SensitivityConfig, *, pruned: bool = True
) -> ScenarioOutcome:
    """The same analysis as a plain per-scenario Python loop through award.decide_award.

    With ``pruned`` it uses exactly the vectorised run's inputs (same candidates and draws). With
    ``pruned=False`` every eligible offer is evaluated; offers the pruning left out get price
    factors from a second generator, which must not change any award: a check of the pruning.
    """
    cols = prune(m, c)
    g, d, f_cols = draw(m, c, cols.size)
    if pruned:
        use = cols
        f = f_cols
    else:
        use = np.arange(len(m.offer_ids), dtype=np.intp)
        f_lo, f_hi = _driver_bounds(m, c)[2]
        f = _triangular(np.random.default_rng(c.seed + 1), f_lo, 1.0, f_hi, (use.size, c.scenarios))
        f[cols] = f_cols
    cols_l = [int(k) for k in use]
    ts = m.ts.tolist()
    a = m.serverless_year1.tolist()
    h = m.node_year.tolist()
    q = m.q.tolist()
    mn = m.min_nodes.tolist()
    onb = m.onboarding.tolist()
    ex = m.exit_fee.tolist()
    ded = m.dedicated.tolist()
    foreign = m.foreign.tolist()
    class_i = m.class_i.tolist()
    domestic = m.domestic.tolist()
    accepts = m.accepts.tolist()
    ratio = m.nominal_ratio.tolist()
    tech = m.technical.tolist()
    disc = list(m.discount)
    n_years = m.term_years
    awards = np.empty(c.scenarios, dtype=np.intp)
    premiums = np.empty(c.scenarios, dtype=np.float64)
    g_l, d_l, f_l = g.tolist(), d.tolist(), f.T.tolist()  # f_l[s][j]: scenario s, offer j
    for s in range(c.scenarios):
        one_g = 1.0 + g_l[s]
        one_d = 1.0 + d_l[s]
        growth = fx = 1.0
        acc_inr = acc_for = 0.0
        growths: list[float] = []
        weights_for: list[float] = []
        for y in range(n_years):
            if y:
                growth = growth * one_g
                fx = fx * one_d
            w_for = fx * disc[y]
            acc_inr = acc_inr + growth * disc[y]
            acc_for = acc_for + growth * w_for
            growths.append(growth)
            weights_for.append(w_for)
        exit_inr = disc[n_years]
        exit_for = fx * one_d * exit_inr
        contenders: list[Contender[float]] = []
        row = f_l[s]
        for j, k in enumerate(cols_l):
            if ded[k]:
                acc = 0.0
                for y in range(n_years):
                    nodes = float(math.ceil(max(mn[k], q[k] * growths[y])))
                    acc = acc + nodes * (weights_for[y] if foreign[k] else disc[y])
                recurring = h[k] * acc
            else:
                recurring = a[k] * (acc_for if foreign[k] else acc_inr)
            one_time = onb[k] + ex[k] * (exit_for if foreign[k] else exit_inr)
            cost = ts[k] * (row[j] * recurring + one_time)
            contenders.append(
                Contender(cost, class_i[k], domestic[k], tech[k], accepts[k], cost * ratio[k])
            )
        decision = decide_award(contenders, m.rules)
        awards[s] = cols_l[decision.award]
        premiums[s] = max(0.0, decision.price - contenders[decision.raw_award].cost)
    return ScenarioOutcome(awards, premiums, cols)


# --------------------------------------------------------------------------- break-even


def _costs_at_volumes(m: SensitivityModel, volumes: FloatArray, cols: IntArray) -> FloatArray:
    """Base-case costs (volumes × offers ``cols``) at other requests/day figures."""
    scale = volumes / float(m.requests_per_day)
    growth = 1.0
    fx = 1.0
    one_g = 1.0 + m.growth
    one_d = 1.0 + m.depreciation
    acc_inr = acc_for = 0.0
    ded_cols = cols[m.dedicated[cols]]
    acc_ded = np.zeros((volumes.size, ded_cols.size))
    for y in range(m.term_years):
        if y:
            growth *= one_g
            fx *= one_d
        w_inr = m.discount[y]
        acc_inr += growth * w_inr
        acc_for += growth * fx * w_inr
        if ded_cols.size:
            nodes = np.ceil(
                np.maximum(m.min_nodes[ded_cols], m.q[ded_cols] * (scale[:, None] * growth))
            )
            acc_ded += nodes * np.where(m.foreign[ded_cols], fx * w_inr, w_inr)
    exit_inr = m.discount[m.term_years]
    exit_for = fx * one_d * exit_inr
    foreign = m.foreign[cols]
    per_year = np.where(foreign, acc_for, acc_inr)
    recurring = m.serverless_year1[cols] * per_year * scale[:, None]
    if ded_cols.size:
        recurring[:, np.searchsorted(cols, ded_cols)] = m.node_year[ded_cols] * acc_ded
    one_time = m.onboarding[cols] + m.exit_fee[cols] * np.where(foreign, exit_for, exit_inr)
    costs: FloatArray = m.ts[cols] * (recurring + one_time)
    return costs


def break_even(m: SensitivityModel, c: SensitivityConfig) -> BreakEven:
    """The lowest requests/day at which the best dedicated offer costs no more than the best
    serverless one: found on a grid of 16 points per decade up to the configured bound, then
    refined to the request by bisection (float64 estimate)."""
    serverless = np.flatnonzero(~m.dedicated).astype(np.intp)
    dedicated = np.flatnonzero(m.dedicated).astype(np.intp)
    if serverless.size == 0 or dedicated.size == 0:
        missing = (
            _("No eligible serverless offer to compare.")
            if serverless.size == 0
            else _("No eligible dedicated offer to compare.")
        )
        return BreakEven(None, None, None, None, None, missing)
    top = c.break_even_max_requests_per_day
    decades = max(1, math.ceil(math.log10(top))) if top > 1 else 1
    grid = np.unique(
        np.clip(np.round(np.logspace(0, math.log10(top), 16 * decades + 1)), 1, top)
    ).astype(np.int64)

    def best(volumes: FloatArray) -> tuple[FloatArray, IntArray, FloatArray, IntArray]:
        s_cost = _costs_at_volumes(m, volumes, serverless)
        d_cost = _costs_at_volumes(m, volumes, dedicated)
        s_arg = np.argmin(s_cost, axis=1)
        d_arg = np.argmin(d_cost, axis=1)
        rows = np.arange(volumes.size)
        return s_cost[rows, s_arg], s_arg, d_cost[rows, d_arg], d_arg

    def cheaper(volume: int) -> bool:
        s_min, _s_arg, d_min, _d_arg = best(np.array([float(volume)]))
        return bool(d_min[0] <= s_min[0])

    s_min, _s_arg, d_min, _d_arg = best(grid.astype(np.float64))
    wins = d_min <= s_min
    at_workload = cheaper(m.requests_per_day)
    if not wins.any():
        return BreakEven(
            None,
            None,
            None,
            at_workload,
            None,
            ngettext(
                "The best dedicated offer is dearer than the best serverless offer at every "
                "volume tested up to {requests} requests/day.",
                "The best dedicated offer is dearer than the best serverless offer at every "
                "volume tested up to {requests} requests/day.",
                top,
            ).format(requests=format_count(top)),
        )
    first = int(np.argmax(wins))
    if first == 0:
        volume = int(grid[0])
    else:
        low, high = int(grid[first - 1]), int(grid[first])
        while high - low > 1:
            mid = (low + high) // 2
            if cheaper(mid):
                high = mid
            else:
                low = mid
        volume = high
    _s_min, s_arg, _d_min, d_arg = best(np.array([float(volume)]))
    stays = bool(wins[first:].all())
    if stays:
        note = ngettext(
            "From about {requests} requests/day (this workload: {workload}) the best dedicated "
            "offer costs no more than the best serverless offer; it stays cheaper at every "
            "higher volume tested.",
            "From about {requests} requests/day (this workload: {workload}) the best dedicated "
            "offer costs no more than the best serverless offer; it stays cheaper at every "
            "higher volume tested.",
            volume,
        )
    else:
        note = ngettext(
            "From about {requests} requests/day (this workload: {workload}) the best dedicated "
            "offer costs no more than the best serverless offer; at some higher volumes node "
            "steps make it dearer again.",
            "From about {requests} requests/day (this workload: {workload}) the best dedicated "
            "offer costs no more than the best serverless offer; at some higher volumes node "
            "steps make it dearer again.",
            volume,
        )
    return BreakEven(
        requests_per_day=volume,
        serverless_offer_id=m.offer_ids[int(serverless[s_arg[0]])],
        dedicated_offer_id=m.offer_ids[int(dedicated[d_arg[0]])],
        dedicated_cheaper_at_workload_volume=at_workload,
        stays_cheaper_above=stays,
        note=note.format(requests=format_count(volume), workload=format_count(m.requests_per_day)),
    )


# --------------------------------------------------------------------------- summary


def _rupees(value: float) -> int:
    return int(round(value))


def summarise(
    m: SensitivityModel, c: SensitivityConfig, outcome: ScenarioOutcome
) -> SensitivityResult:
    """Turn per-scenario outcomes into the reported estimates."""
    awards, premiums = outcome.awards, outcome.premiums
    n = c.scenarios
    changed = float(np.count_nonzero(awards != m.base_award)) / n
    counts = np.bincount(awards, minlength=len(m.offer_ids))
    frequencies = tuple(
        AwardFrequency(m.offer_ids[k], f"{counts[k] / n:.4f}")
        for k in sorted(np.flatnonzero(counts), key=lambda k: (-int(counts[k]), m.offer_ids[k]))
    )
    p5, p50, p95 = np.percentile(premiums, [5.0, 50.0, 95.0])
    premium = PremiumDistribution(
        mean_inr=_rupees(float(premiums.mean())),
        p5_inr=_rupees(float(p5)),
        p50_inr=_rupees(float(p50)),
        p95_inr=_rupees(float(p95)),
        max_inr=_rupees(float(premiums.max())),
        probability_positive=f"{float(np.count_nonzero(premiums > 0.5)) / n:.4f}",
    )
    return SensitivityResult(
        scenarios=n,
        seed=c.seed,
        method_note=method_note(),
        candidates_considered=int(outcome.candidates.size),
        candidate_offer_ids=tuple(m.offer_ids[int(k)] for k in outcome.candidates),
        probability_recommendation_changes=f"{changed:.4f}",
        award_frequencies=frequencies,
        premium=premium,
        break_even=break_even(m, c),
        flip_premium=m.flip,
    )


def run_sensitivity(
    model: SensitivityModel | None,
    config: SensitivityConfig,
    *,
    simulate: Callable[[SensitivityModel, SensitivityConfig], ScenarioOutcome] = (
        simulate_vectorised
    ),
) -> SensitivityResult:
    """Run the seeded Monte Carlo analysis, the break-even search and report the flip premium.

    ``model`` None (no eligible offer) gives an empty result that says so.
    """
    if model is None:
        empty = BreakEven(None, None, None, None, None, _("No eligible offer."))
        return SensitivityResult(
            scenarios=config.scenarios,
            seed=config.seed,
            method_note=method_note(),
            candidates_considered=0,
            candidate_offer_ids=(),
            probability_recommendation_changes="0.0000",
            award_frequencies=(),
            premium=None,
            break_even=empty,
            flip_premium=FlipPremium(None, None, None, None, _("No eligible offer.")),
        )
    return summarise(model, config, simulate(model, config))
