"""Human-readable explanation lines: what was decided, by which rule, with which numbers."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from procurement.engine.award import StepRecord
from procurement.engine.numbers import (
    HUNDRED,
    ONE,
    ZERO,
    format_count,
    format_inr,
    format_pct,
    pct_ceil2,
)
from procurement.engine.policy import (
    MiiMatchL1Preference,
    Preference,
    PriceEvaluationFactorPreference,
    TieBandPreference,
    TransitionPremiumPreference,
    premium_in_force,
)
from procurement.engine.results import ComparisonResult
from procurement.engine.state import Prepared

MECHANISM_NAMES: dict[str, str] = {
    "l1": "least cost (L1)",
    "qcbs": "QCBS",
    "price_evaluation_factor": "the price evaluation factor",
    "mii_match_l1": "the Make in India match-L1 purchase preference",
    "transition_premium": "the buying authority's transition premium",
    "tie_band": "the tie band",
    "none": "no mechanism",
}

_MII_NOTE = (
    "Make in India purchase preference (match-L1): the buyer pays L1; the order never pays a "
    "premium."
)


def _basis(p: Prepared) -> str:
    return "NPV" if p.policy.evaluation.cost_basis == "npv" else "nominal TCO"


def preference_message(p: Prepared, pref: Preference, r: StepRecord[Decimal]) -> tuple[str, str]:
    """The sentence for one preference step, and any interpretation the engine had to make."""
    ids = p.eligible_ids()
    before, after = ids[r.award_before], ids[r.award_after]
    cand = ids[r.candidate] if r.candidate is not None else ""
    cost = format_inr(r.candidate_cost) if r.candidate_cost is not None else ""
    limit = format_inr(r.limit) if r.limit is not None else ""
    price = format_inr(r.price_before)
    basis = _basis(p)
    if isinstance(pref, MiiMatchL1Preference):
        return _mii_message(p, pref, r, before, after, cand, cost, limit, price, basis)
    if isinstance(pref, PriceEvaluationFactorPreference):
        factor = format_pct(pref.factor_pct)
        if r.applied:
            extra = format_inr(r.price_after - r.price_before)
            return (
                f"Price evaluation factor: non-domestic offers were loaded by {factor} for "
                f"evaluation only; the award moved from {before} ({price}) to {after}, paid at "
                f"its own cost {format_inr(r.price_after)} ({basis}), {extra} more.",
                "",
            )
        return (
            f"Price evaluation factor: loading non-domestic offers by {factor} for evaluation did "
            f"not change the award ({before}).",
            "",
        )
    if isinstance(pref, TransitionPremiumPreference):
        pct = premium_in_force(pref, p.decision_date)
        head = (
            f"Transition premium of {pref.authority} — its own policy, not the Make in India "
            f"order — {format_pct(pct)} in force on {p.decision_date.isoformat()}"
        )
        if pref.cap_inr is not None:
            head += f", capped at {format_inr(pref.cap_inr)}"
        return _band_message(head, r, before, after, cand, cost, limit, price, basis), ""
    assert isinstance(pref, TieBandPreference)
    head = f"Tie band: a domestic offer within {format_pct(pref.band_pct)} is preferred"
    return _band_message(head, r, before, after, cand, cost, limit, price, basis), ""


def _mii_message(
    p: Prepared,
    pref: MiiMatchL1Preference,
    r: StepRecord[Decimal],
    before: str,
    after: str,
    cand: str,
    cost: str,
    limit: str,
    price: str,
    basis: str,
) -> tuple[str, str]:
    margin = format_pct(pref.margin_pct)
    reason = r.reason
    interpretation = ""
    if reason == "EXEMPT":
        amount = p.value.amount_inr
        return (
            f"Make in India purchase preference not applied: the estimated value "
            f"{format_inr(amount or ZERO)} is below the exemption threshold.",
            "",
        )
    if reason == "QCBS_UNDEFINED":
        return (
            "Make in India purchase preference not applied: the order defines it only for "
            "services evaluated on price alone (para 3A(c)); this evaluation is QCBS, for which "
            "the order text gives no mechanism. Record in the file how Make in India was "
            "considered.",
            "Mechanism for QCBS-evaluated services not found in the order text (UNCONFIRMED: "
            "DPIIT may have clarified); the engine does not invent one.",
        )
    if reason == "L1_IS_CLASS_I":
        return f"L1 {before} is a Class-I local supplier: the contract goes to L1. {_MII_NOTE}", ""
    if reason == "NO_CLASS_I":
        return (
            f"L1 {before} ({price}, {basis}) is not Class-I and no eligible offer is Class-I: no "
            f"purchase preference.",
            "",
        )
    if r.at_boundary:
        interpretation = (
            f"{cand} is exactly at the margin limit; the pack treats the boundary as "
            f"{'inside' if pref.boundary_inclusive else 'outside'} the margin "
            f"({pref.boundary_note or 'an interpretation of the order text'})."
        )
    test = (
        f"L1 is {before} at {price} ({basis}); the lowest Class-I offer {cand} costs {cost}, "
        f"against a {margin} margin limit of {limit}"
    )
    if reason == "NO_CLASS_I_WITHIN_MARGIN":
        return (
            f"{test}: outside the margin, so no purchase preference; the award stays with L1.",
            interpretation,
        )
    if reason == "CLASS_I_DECLINES":
        return (
            f"{test}: within the margin, so it is invited to match L1. Planning assumption: it "
            f"declines, so the contract may go to L1 {before} at {price}.",
            interpretation,
        )
    return (
        f"{test}: within the margin, so it is invited to match L1 and (planning assumption) "
        f"accepts; {after} gets the whole contract at the L1 price {price} (MII Order para "
        f"3A(c)). {_MII_NOTE}",
        interpretation,
    )


def _band_message(
    head: str,
    r: StepRecord[Decimal],
    before: str,
    after: str,
    cand: str,
    cost: str,
    limit: str,
    price: str,
    basis: str,
) -> str:
    reason = r.reason
    if reason == "NOT_IN_FORCE":
        return f"{head}: nothing to apply."
    if reason == "ALREADY_DOMESTIC":
        return f"{head}. The award {before} is already domestic infrastructure: no premium."
    if reason == "NO_DOMESTIC":
        return f"{head}. No eligible offer is domestic infrastructure: nothing to prefer."
    if reason == "WITHIN_BAND":
        extra = r.price_after - r.price_before
        pct = (
            format_pct(pct_ceil2(extra / r.price_before * HUNDRED)) if r.price_before > 0 else "n/a"
        )
        change = (
            f"a premium of {format_inr(extra)} ({pct})"
            if extra > 0
            else f"a saving of {format_inr(-extra)}"
            if extra < 0
            else "no extra cost"
        )
        return (
            f"{head}. Domestic-infrastructure offer {after} costs {format_inr(r.price_after)} "
            f"({basis}), within the limit {limit} over {before} at {price}: it takes the award, "
            f"{change}."
        )
    assert r.candidate_cost is not None
    needed = (
        format_pct(pct_ceil2((r.candidate_cost / r.price_before - ONE) * HUNDRED))
        if r.price_before > 0
        else "n/a"
    )
    if reason == "OUTSIDE_BAND":
        return (
            f"{head}. The best-ranked domestic offer {cand} costs {cost} ({basis}), above the "
            f"limit {limit} over {before} at {price} (it would need {needed}): the award stays."
        )
    return (
        f"{head}. The best-ranked domestic offer {cand} costs {cost}, within the band but its "
        f"extra cost over {before} ({price}) exceeds the cap: the award stays."
    )


def explain(result: ComparisonResult, p: Prepared) -> tuple[str, ...]:
    """Explanation lines for the comparison, in reading order."""
    lines: list[str] = []
    policy = p.policy
    n, m = len(p.states), len(p.eligible)
    method = f"least cost (L1) on {_basis(p)}" if p.method == "l1" else f"QCBS on {_basis(p)}"
    lines.append(
        f"Decision date {p.decision_date.isoformat()}; policy pack {policy.pack_id} version "
        f"{policy.version}; {n} offers compared, {m} eligible; evaluation by {method}, taxes "
        f"included."
    )
    lines.append(p.value.explanation)
    for gate in result.gates:
        if gate.status != "pass" and gate.code not in ("DEMO_DATA",):
            lines.append(f"{gate.code}: {gate.message}")
    excluded = Counter(o.code for s in p.states for o in s.outcomes if o.status == "fail")
    if excluded:
        parts = ", ".join(
            f"{code} ({count})"
            for code, count in sorted(excluded.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        lines.append(f"Rule failures across offers (an offer may fail several): {parts}.")
    rec = result.recommendation
    if rec.raw_award_offer_id is None:
        lines.append("No award can be recommended: no offer is eligible.")
        return tuple(lines)
    if p.method == "l1":
        lines.append(
            f"L1: {rec.raw_l1_offer_id} at {format_inr(rec.raw_l1_cost_inr or ZERO)} ({_basis(p)})."
        )
    else:
        winner = result.offer(rec.raw_award_offer_id)
        lines.append(
            f"Highest QCBS score: {winner.offer_id} with S = {winner.combined_score} "
            f"(S_T {winner.technical_score}, S_F {winner.financial_score}); L1 is "
            f"{rec.raw_l1_offer_id} at {format_inr(rec.raw_l1_cost_inr or ZERO)}."
        )
    for pref in result.preferences:
        lines.append(pref.message)
        if pref.interpretation:
            lines.append(f"Interpretation: {pref.interpretation}")
    award = rec.award
    runner = rec.runner_up_offer_id or "none"
    lines.append(
        f"Recommended award: {award.offer_id} by {MECHANISM_NAMES[award.mechanism]}, paying "
        f"{format_inr(award.cost_inr or ZERO)} ({_basis(p)}; "
        f"{format_inr(award.nominal_inr or ZERO)} nominal); runner-up: {runner}."
    )
    lines.append(rec.premium_statement)
    if result.mii_planning is not None:
        lines.append(result.mii_planning.statement)
    share = result.domestic_share
    if share is not None:
        home = p.policy.domestic_infrastructure.home_country
        lines.append(
            f"Where this workload's {format_count(share.total_inferences)} inferences run: "
            f"domestic operator in {home}: {format_pct(share.domestic_operator_pct)}; foreign "
            f"operator in {home}: {format_pct(share.foreign_operator_in_country_pct)}; abroad: "
            f"{format_pct(share.abroad_pct)}."
        )
    sens = result.sensitivity
    if sens is not None:
        lines.append(
            f"Sensitivity ({format_count(sens.scenarios)} seeded scenarios, float64 estimates): "
            f"the recommendation changes with probability "
            f"{sens.probability_recommendation_changes}."
        )
        if sens.break_even.requests_per_day is not None:
            lines.append(
                f"Break-even: from about {format_count(sens.break_even.requests_per_day)} "
                f"requests/day the "
                f"best dedicated offer ({sens.break_even.dedicated_offer_id}) costs no more than "
                f"the best serverless offer ({sens.break_even.serverless_offer_id})."
            )
        else:
            lines.append(f"Break-even: {sens.break_even.note}")
        lines.append(f"Flip premium: {sens.flip_premium.note}")
    if result.uses_demo_data:
        lines.append("DEMO DATA: figures are illustrative and must not be used for a real tender.")
    return tuple(lines)
