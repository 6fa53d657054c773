"""Evaluation (L1 or QCBS) and preferences, written once for ``Decimal`` and for ``float``.

The Decimal engine (:func:`procurement.engine.compare`) and the plain-Python reference loop of the
sensitivity analysis both run these functions; the NumPy version in sensitivity.py mirrors them,
and a test checks it against them scenario by scenario.

Evaluation
    L1: offers in order of evaluated cost (ties: lowest offer id — the tender's own tie-break
    procedure then applies and the engine flags the tie). QCBS (GFR Rule 192):
    S_F = 100 × F_min / F, S = S_T × w_T + S_F × w_F, highest S first.

Preferences, in the order the pack lists them (statutory first; validation enforces it):
    mii_match_l1 — statutory (Make in India Order para 3A(c)). When L1 is not Class-I, the
    Class-I offers within the margin are invited in ascending order of evaluated cost; the first
    to accept takes the whole contract at the L1 price; if all decline, L1 keeps it (price-only
    evaluation; under QCBS only where the pack reads L1 as the bid ranked first). When L1 is
    Class-I or a Class-I matched, the law has decided the award and no later preference of the
    authority's own may change it ("LAW_DECIDED").
    mse_match_l1 — statutory (MSE Order 2012 para 10). When the award is not an MSE's, the MSEs
    within L1 + 15 % are invited to match L1; those that accept share 25 % of the tendered value
    at the L1 price. The award and the price paid do not change.
    price_evaluation_factor — re-evaluate with non-domestic costs loaded by the factor (the first
    non-statutory preference); transition_premium and tie_band — the best-ranked domestic offer
    whose cost ≤ (1 + p) × the price being paid (and whose extra nominal cost is within the cap)
    takes the award at its own price. A non-statutory preference whose pack records no empowering
    instrument is a *scenario*: computed and recorded, never moving the award.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from procurement.engine.inputs import EvaluationMethod
from procurement.engine.numbers import engine_precision
from procurement.engine.results import PreferenceKind

N = TypeVar("N", Decimal, float)


@dataclass(frozen=True, slots=True)
class Contender(Generic[N]):
    """One eligible offer as evaluation sees it: its cost on the policy's basis, whether it is
    Class-I and domestic infrastructure, its technical score (QCBS only), whether it accepts an
    invitation to match L1 (the officer's planning assumption, or the supplier's reply), and its
    nominal cost (None: the cost basis is nominal)."""

    cost: N
    class_i: bool
    domestic: bool
    technical: N | None = None
    accepts_match: bool = True
    nominal: N | None = None
    mse: bool = False
    accepts_mse_match: bool = True

    def nominal_cost(self) -> N:
        """The nominal cost the buyer would pay (the cost itself when the basis is nominal)."""
        return self.cost if self.nominal is None else self.nominal


@dataclass(frozen=True, slots=True)
class StepSpec(Generic[N]):
    """One preference as evaluation applies it. ``fraction`` is the margin, premium, factor or
    band as a fraction (0.20 for 20 %); a non-empty ``inactive_reason`` records the step as not
    applied (e.g. the Make in India exemption, or a premium not in force); ``scenario`` marks a
    non-statutory preference without an empowering instrument: computed, never moving the award.
    ``cap`` limits the extra nominal rupees paid. ``qcbs_reading`` applies a match-L1
    preference under QCBS with L1 read as the bid ranked first."""

    kind: PreferenceKind
    fraction: N
    cap: N | None = None
    inclusive: bool = True
    inactive_reason: str = ""
    scenario: bool = False
    qcbs_reading: bool = False


@dataclass(frozen=True, slots=True)
class AwardRules(Generic[N]):
    """The evaluation method, QCBS weights (fractions), the preference steps, and the constants
    0, 1 and 100 in the number type."""

    method: EvaluationMethod
    technical_weight: N
    financial_weight: N
    steps: tuple[StepSpec[N], ...]
    zero: N
    one: N
    hundred: N
    normalise_technical: bool = False


@dataclass(frozen=True, slots=True)
class Evaluation(Generic[N]):
    """A ranking: contender indices best first, and the figures behind it."""

    order: tuple[int, ...]
    evaluated_costs: tuple[N, ...]
    technical: tuple[N, ...] | None
    financial: tuple[N, ...] | None
    combined: tuple[N, ...] | None


@dataclass(frozen=True, slots=True)
class MatchRound(Generic[N]):
    """One invitation to match L1 (MII Order para 3A(c)): the Class-I contender invited, its
    evaluated cost, whether it accepted, and whether its cost sits exactly at the margin limit."""

    invited: int
    cost: N
    accepted: bool
    at_boundary: bool


@dataclass(frozen=True, slots=True)
class StepRecord(Generic[N]):
    """What one preference did: the award and price before and after, the offer it considered,
    the limit it tested, and whether the test was met exactly at the boundary.

    For a ``scenario`` step the award and price do not change; ``candidate`` is the offer that
    would have taken the award when ``reason`` says it would (``WITHIN_BAND``, ``AWARD_MOVED``).
    ``rounds`` lists the match-L1 invitations, in order; ``sharing`` the MSEs that accepted to
    supply the MSE share of the tendered value at the L1 price between them (MSE order).
    """

    kind: PreferenceKind
    applied: bool
    reason: str
    award_before: int
    award_after: int
    price_before: N
    price_after: N
    candidate: int | None = None
    candidate_cost: N | None = None
    limit: N | None = None
    at_boundary: bool = False
    scenario: bool = False
    rounds: tuple[MatchRound[N], ...] = ()
    sharing: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class AwardDecision(Generic[N]):
    """The outcome of evaluation and preferences.

    ``price`` is what the buyer pays (on the cost basis) and ``price_source`` the contender whose
    cost that is (L1's after a Make in India match). ``raw_award`` is the evaluation's winner
    before any preference; ``raw_l1`` the lowest cost.
    """

    raw: Evaluation[N]
    final: Evaluation[N]
    raw_award: int
    raw_l1: int
    award: int
    price: N
    price_source: int
    steps: tuple[StepRecord[N], ...]
    runner_up: int | None


def evaluate(
    contenders: Sequence[Contender[N]], rules: AwardRules[N], factor: N | None = None
) -> Evaluation[N]:
    """Rank contenders by L1 or QCBS; ``factor`` loads non-domestic costs for evaluation only."""
    if factor is None:
        costs = tuple(c.cost for c in contenders)
    else:
        load = rules.one + factor
        costs = tuple(c.cost if c.domestic else c.cost * load for c in contenders)
    indices = range(len(contenders))
    if rules.method == "l1":
        order = tuple(sorted(indices, key=lambda k: (costs[k], k)))
        return Evaluation(order, costs, None, None, None)
    technical: list[N] = []
    for c in contenders:
        if c.technical is None:
            raise ValueError("QCBS needs a technical score for every contender")
        technical.append(c.technical)
    if rules.normalise_technical:
        top = max(technical)
        if top > rules.zero:
            technical = [rules.hundred * t / top for t in technical]
    f_min = min(costs)
    # S_F = 100 × F_min / F; the lowest offer scores exactly 100 (also when F_min is zero).
    financial = [rules.hundred if f == f_min else rules.hundred * f_min / f for f in costs]
    combined = [
        t * rules.technical_weight + s * rules.financial_weight
        for t, s in zip(technical, financial, strict=True)
    ]
    order = tuple(sorted(indices, key=lambda k: (-combined[k], k)))
    return Evaluation(order, costs, tuple(technical), tuple(financial), tuple(combined))


def decide_award(contenders: Sequence[Contender[N]], rules: AwardRules[N]) -> AwardDecision[N]:
    """Evaluate, then apply every preference step in order. Needs at least one contender."""
    if not contenders:
        raise ValueError("no contenders to award")
    raw = evaluate(contenders, rules)
    costs = [c.cost for c in contenders]
    raw_l1 = min(range(len(contenders)), key=lambda k: (costs[k], k))
    award = raw.order[0]
    price = costs[award]
    source = award
    current = raw
    records: list[StepRecord[N]] = []
    decided_by_law = False
    for spec in rules.steps:
        before, price_before = award, price
        if spec.inactive_reason:
            records.append(
                StepRecord(spec.kind, False, spec.inactive_reason, award, award, price, price)
            )
            continue
        if spec.kind == "mii_match_l1":
            record = _mii_match(contenders, rules, spec, award, price)
            records.append(record)
            award = record.award_after  # the buyer still pays L1: price and source unchanged
            decided_by_law = record.reason in ("L1_IS_CLASS_I", "MATCHED")
            continue
        if spec.kind == "mse_match_l1":
            # A share at the L1 price: neither the award nor the price paid changes.
            records.append(_mse_match(contenders, rules, spec, award, price))
            continue
        if decided_by_law:
            records.append(StepRecord(spec.kind, False, "LAW_DECIDED", award, award, price, price))
            continue
        if spec.kind == "price_evaluation_factor":
            loaded = evaluate(contenders, rules, spec.fraction)
            moved = loaded.order[0] != before
            if spec.scenario:
                records.append(
                    StepRecord(
                        spec.kind,
                        False,
                        "AWARD_MOVED" if moved else "NO_CHANGE",
                        before,
                        before,
                        price_before,
                        price_before,
                        candidate=loaded.order[0],
                        candidate_cost=costs[loaded.order[0]],
                        scenario=True,
                    )
                )
                continue
            current = loaded
            award = current.order[0]
            price = costs[award]
            source = award
            records.append(
                StepRecord(
                    spec.kind,
                    moved,
                    "AWARD_MOVED" if moved else "NO_CHANGE",
                    before,
                    award,
                    price_before,
                    price,
                )
            )
        else:
            record = _domestic_band(contenders, rules, current, spec, award, price)
            if spec.scenario:
                records.append(
                    StepRecord(
                        record.kind,
                        False,
                        record.reason,
                        before,
                        before,
                        price_before,
                        price_before,
                        record.candidate,
                        record.candidate_cost,
                        record.limit,
                        record.at_boundary,
                        scenario=True,
                    )
                )
                continue
            records.append(record)
            if record.applied:
                award = record.award_after
                price = record.price_after
                source = award
    runner_up = next((k for k in current.order if k != award), None)
    return AwardDecision(
        raw=raw,
        final=current,
        raw_award=raw.order[0],
        raw_l1=raw_l1,
        award=award,
        price=price,
        price_source=source,
        steps=tuple(records),
        runner_up=runner_up,
    )


def _mii_match(
    contenders: Sequence[Contender[N]],
    rules: AwardRules[N],
    spec: StepSpec[N],
    award: int,
    price: N,
) -> StepRecord[N]:
    # MII Order para 3A(c): services evaluated on price alone; nothing is defined for QCBS.
    kind = spec.kind
    if rules.method != "l1" and not spec.qcbs_reading:
        return StepRecord(kind, False, "QCBS_UNDEFINED", award, award, price, price)
    if contenders[award].class_i:
        return StepRecord(kind, False, "L1_IS_CLASS_I", award, award, price, price)
    class_i = sorted(
        (k for k, c in enumerate(contenders) if c.class_i), key=lambda k: (contenders[k].cost, k)
    )
    if not class_i:
        return StepRecord(kind, False, "NO_CLASS_I", award, award, price, price)
    limit = price * (rules.one + spec.fraction)
    within = [
        k
        for k in class_i
        if (contenders[k].cost <= limit if spec.inclusive else contenders[k].cost < limit)
    ]
    if not within:
        lowest = class_i[0]
        cost = contenders[lowest].cost
        reason = "NO_CLASS_I_WITHIN_MARGIN"
        return StepRecord(
            kind, False, reason, award, award, price, price, lowest, cost, limit, cost == limit
        )
    # Para 3A(c)(ii)-(iii): invite in ascending order of evaluated cost; the first to accept
    # takes the whole contract at L1; if none accepts, the contract may go to L1.
    rounds: list[MatchRound[N]] = []
    for k in within:
        cost = contenders[k].cost
        accepted = contenders[k].accepts_match
        rounds.append(MatchRound(k, cost, accepted, cost == limit))
        if accepted:
            return StepRecord(
                kind,
                True,
                "MATCHED",
                award,
                k,
                price,
                price,
                k,
                cost,
                limit,
                cost == limit,
                rounds=tuple(rounds),
            )
    first = within[0]
    cost = contenders[first].cost
    return StepRecord(
        kind,
        False,
        "CLASS_I_DECLINES",
        award,
        award,
        price,
        price,
        first,
        cost,
        limit,
        cost == limit,
        rounds=tuple(rounds),
    )


def _mse_match(
    contenders: Sequence[Contender[N]],
    rules: AwardRules[N],
    spec: StepSpec[N],
    award: int,
    price: N,
) -> StepRecord[N]:
    # MSE Order 2012 para 10: when L1 is not an MSE, MSEs quoting within L1 + 15 % may supply a
    # share (25 %) of the tendered value by bringing their price down to L1; several share it.
    kind = spec.kind
    if rules.method != "l1" and not spec.qcbs_reading:
        return StepRecord(kind, False, "QCBS_UNDEFINED", award, award, price, price)
    if contenders[award].mse:
        return StepRecord(kind, False, "AWARDEE_IS_MSE", award, award, price, price)
    mses = sorted(
        (k for k, c in enumerate(contenders) if c.mse and k != award),
        key=lambda k: (contenders[k].cost, k),
    )
    if not mses:
        return StepRecord(kind, False, "NO_MSE", award, award, price, price)
    limit = price * (rules.one + spec.fraction)
    within = [k for k in mses if contenders[k].cost <= limit]
    if not within:
        lowest = mses[0]
        cost = contenders[lowest].cost
        return StepRecord(
            kind, False, "NO_MSE_WITHIN_BAND", award, award, price, price, lowest, cost, limit
        )
    rounds = tuple(
        MatchRound(k, c.cost, c.accepts_mse_match, c.cost == limit)
        for k in within
        for c in (contenders[k],)
    )
    sharing = tuple(r.invited for r in rounds if r.accepted)
    first = sharing[0] if sharing else within[0]
    return StepRecord(
        kind,
        bool(sharing),
        "MSE_SHARE" if sharing else "MSES_DECLINE",
        award,
        award,
        price,
        price,
        first,
        contenders[first].cost,
        limit,
        contenders[first].cost == limit,
        rounds=rounds,
        sharing=sharing,
    )


def _domestic_band(
    contenders: Sequence[Contender[N]],
    rules: AwardRules[N],
    current: Evaluation[N],
    spec: StepSpec[N],
    award: int,
    price: N,
) -> StepRecord[N]:
    kind = spec.kind
    if contenders[award].domestic:
        return StepRecord(kind, False, "ALREADY_DOMESTIC", award, award, price, price)
    domestic = [k for k in current.order if contenders[k].domestic]
    if not domestic:
        return StepRecord(kind, False, "NO_DOMESTIC", award, award, price, price)
    limit = price * (rules.one + spec.fraction)
    paid = contenders[award].nominal_cost()
    for k in domestic:
        cost = contenders[k].cost
        # The cap limits rupees actually paid: the nominal extra, whatever the cost basis.
        if cost <= limit and (spec.cap is None or contenders[k].nominal_cost() - paid <= spec.cap):
            return StepRecord(
                kind, True, "WITHIN_BAND", award, k, price, cost, k, cost, limit, cost == limit
            )
    first = domestic[0]
    cost = contenders[first].cost
    reason = "OUTSIDE_BAND" if cost > limit else "OVER_CAP"
    return StepRecord(kind, False, reason, award, award, price, price, first, cost, limit)


@engine_precision
def rank_offers(
    contenders: Sequence[Contender[Decimal]], rules: AwardRules[Decimal]
) -> Evaluation[Decimal]:
    """Rank eligible offers by L1 or QCBS (no preferences), in exact Decimal arithmetic."""
    return evaluate(contenders, rules)


@engine_precision
def apply_preferences(
    contenders: Sequence[Contender[Decimal]], rules: AwardRules[Decimal]
) -> AwardDecision[Decimal]:
    """Rank eligible offers and apply the pack's preferences in order, in exact Decimal."""
    return decide_award(contenders, rules)
