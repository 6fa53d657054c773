"""Human-readable explanation lines: what was decided, by which rule, with which numbers."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from procurement.engine.award import StepRecord
from procurement.engine.numbers import (
    ZERO,
    format_count,
    format_inr,
    format_pct,
    percent_of,
)
from procurement.engine.policy import (
    Instrument,
    MiiMatchL1Preference,
    MseMatchL1Preference,
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


def _instrument_words(instrument: Instrument | None) -> str:
    if instrument is None:
        return "no instrument empowering it is recorded in the pack (policy scenario only)"
    demo = " (demo)" if instrument.is_demo else ""
    return (
        f"under {instrument.title}, {instrument.issuer} No. {instrument.number} dated "
        f"{instrument.date.isoformat()}{demo}"
    )


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
    if isinstance(pref, MseMatchL1Preference):
        return _mse_message(p, pref, r, before, cand, cost, limit, price, basis)
    if isinstance(pref, PriceEvaluationFactorPreference):
        factor = format_pct(pref.factor_pct)
        head = f"Price evaluation factor of {factor}, {_instrument_words(pref.instrument)}"
        if r.reason == "LAW_DECIDED":
            return f"{head}: not applied. {_LAW_DECIDED.format(award=before)}", ""
        if r.scenario:
            verdict = (
                f"loading non-domestic offers by {factor} would move the award from {before} "
                f"to {cand}"
                if r.reason == "AWARD_MOVED"
                else f"loading non-domestic offers by {factor} would not change the award"
            )
            return f"{head}: {verdict}.", ""
        if r.applied:
            extra = format_inr(r.price_after - r.price_before)
            return (
                f"{head}: non-domestic offers were loaded by {factor} for evaluation only; the "
                f"award moved from {before} ({price}) to {after}, paid at its own cost "
                f"{format_inr(r.price_after)} ({basis}), {extra} more.",
                "",
            )
        return (
            f"{head}: loading non-domestic offers by {factor} for evaluation did not change the "
            f"award ({before}).",
            "",
        )
    if isinstance(pref, TransitionPremiumPreference):
        pct = premium_in_force(pref, p.decision_date)
        head = (
            f"Transition premium of {pref.authority} — its own policy, not the Make in India "
            f"order — {format_pct(pct)} in force on {p.decision_date.isoformat()}"
        )
        if pref.cap_inr is not None:
            head += f", capped at {format_inr(pref.cap_inr)} of extra rupees actually paid"
        head += f"; {_instrument_words(pref.instrument)}"
        return _band_message(p, head, r, before, after, cand, cost, limit, price, basis), ""
    assert isinstance(pref, TieBandPreference)
    head = (
        f"Tie band: a domestic offer within {format_pct(pref.band_pct)} is preferred; "
        f"{_instrument_words(pref.instrument)}"
    )
    return _band_message(p, head, r, before, after, cand, cost, limit, price, basis), ""


_LAW_DECIDED = (
    "The Make in India order has decided the award: {award}, a Class-I local supplier, gets the "
    "whole contract at the L1 price (MII Order para 3A(c)), and a buying authority's own policy "
    "cannot undo it."
)


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
    l1 = "L1"
    if p.method == "qcbs" and pref.under_qcbs == "ranked_first_as_l1":
        # The pack's reading of the order for QCBS: L1 is the bid ranked first.
        l1 = "L1 (read as the bid ranked first by QCBS)"
        interpretation = _QCBS_READING.format(note=pref.under_qcbs_note or _NO_NOTE)
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
        return (
            f"{l1} {before} is a Class-I local supplier: the contract goes to L1 (MII Order para "
            f"3A(c)(i)). {_MII_NOTE}",
            interpretation,
        )
    if reason == "NO_CLASS_I":
        return (
            f"{l1} {before} ({price}, {basis}) is not Class-I and no eligible offer is Class-I: "
            f"no purchase preference.",
            interpretation,
        )
    if any(rd.at_boundary for rd in r.rounds) or (not r.rounds and r.at_boundary):
        at = next((p.eligible_ids()[rd.invited] for rd in r.rounds if rd.at_boundary), cand)
        interpretation = (interpretation + " " if interpretation else "") + (
            f"{at} is exactly at the margin limit; the pack treats the boundary as "
            f"{'inside' if pref.boundary_inclusive else 'outside'} the margin "
            f"({pref.boundary_note or 'an interpretation of the order text'})."
        )
    if reason == "NO_CLASS_I_WITHIN_MARGIN":
        return (
            f"{l1} is {before} at {price} ({basis}); the lowest Class-I offer {cand} costs {cost}, "
            f"above the {margin} margin limit of {limit}: no purchase preference; the award "
            f"stays with L1.",
            interpretation,
        )
    ids = p.eligible_ids()
    stated = p.stated()
    turns = "; ".join(
        f"{ids[rd.invited]} ({format_inr(rd.cost)}) "
        f"{'accepts' if rd.accepted else 'declines'}"
        f"{'' if ids[rd.invited] in stated else ' (assumed)'}"
        for rd in r.rounds
    )
    test = (
        f"{l1} is {before} at {price} ({basis}), not Class-I; the Class-I offers within the "
        f"{margin} margin limit of {limit} are invited to match L1 in ascending order of "
        f"evaluated cost (MII Order para 3A(c)(ii)-(iii)): {turns}"
    )
    if reason == "CLASS_I_DECLINES":
        return (
            f"{test}. No invited Class-I supplier matches, so the contract may go to L1 {before} "
            f"at {price}.",
            interpretation,
        )
    return (
        f"{test}. {after} gets the whole contract at the L1 price {price} (MII Order para "
        f"3A(c)). {_MII_NOTE}",
        interpretation,
    )


def _band_message(
    p: Prepared,
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
    if reason == "LAW_DECIDED":
        return f"{head}. Not applied: {_LAW_DECIDED.format(award=before)}"
    if reason == "NOT_IN_FORCE":
        return f"{head}: nothing to apply."
    if reason == "ALREADY_DOMESTIC":
        return f"{head}. The award {before} is already domestic infrastructure: no premium."
    if reason == "NO_DOMESTIC":
        return f"{head}. No eligible offer is domestic infrastructure: nothing to prefer."
    if reason == "WITHIN_BAND":
        if r.scenario:
            return (
                f"{head}. Domestic-infrastructure offer {cand} costs {cost} ({basis}), within "
                f"the limit {limit} over {before} at {price}."
            )
        extra = r.price_after - r.price_before
        pct = format_pct(percent_of(extra, r.price_before))
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
    needed = format_pct(percent_of(r.candidate_cost - r.price_before, r.price_before))
    stays = "the award would stay" if r.scenario else "the award stays"
    if reason == "OUTSIDE_BAND":
        return (
            f"{head}. The best-ranked domestic offer {cand} costs {cost} ({basis}), above the "
            f"limit {limit} over {before} at {price} (it would need {needed}): {stays}."
        )
    assert r.candidate is not None
    extra_nominal = p.nominal(r.candidate) - p.nominal(r.award_before)
    extra = r.candidate_cost - r.price_before
    return (
        f"{head}. The best-ranked domestic offer {cand} costs {cost}, within the band, but it "
        f"would cost {format_inr(extra_nominal)} more in nominal rupees actually paid over "
        f"{before} ({format_inr(extra)} on the {basis} basis), above the cap: {stays}."
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


_QCBS_READING = (
    "The Make in India order gives no procedure for services evaluated by quality and cost; the "
    "pack reads L1 as the bid ranked first in the evaluation (the order defines L1 as the "
    'lowest bid "as adjudged in the evaluation process as per the tender"): {note}'
)
_NO_NOTE = "no instrument confirming this reading is recorded"


def _mse_message(
    p: Prepared,
    pref: MseMatchL1Preference,
    r: StepRecord[Decimal],
    before: str,
    cand: str,
    cost: str,
    limit: str,
    price: str,
    basis: str,
) -> tuple[str, str]:
    band = format_pct(pref.band_pct)
    share = format_pct(pref.share_pct)
    head = "MSE purchase preference (MSE Order 2012 para 10)"
    precedence = pref.precedence_note or "the order of the pack's preferences"
    interpretation = f"Order of precedence with Make in India: {precedence}."
    if p.method == "qcbs" and pref.under_qcbs == "ranked_first_as_l1":
        interpretation += " " + _QCBS_READING.format(note=_NO_NOTE)
    reason = r.reason
    if reason == "QCBS_UNDEFINED":
        return (
            f"{head} not applied: this evaluation is QCBS and the pack gives no reading of L1 for "
            "it. Record in the file how the MSE order was considered.",
            interpretation,
        )
    if reason == "AWARDEE_IS_MSE":
        return f"{head}: {before}, the award, is a micro or small enterprise: no share.", ""
    if reason == "NO_MSE":
        return f"{head}: no other eligible offer is from a micro or small enterprise.", ""
    if reason == "NO_MSE_WITHIN_BAND":
        return (
            f"{head}: the lowest MSE offer {cand} costs {cost}, above L1 + {band} ({limit}; L1 "
            f"{price}, {basis}): no share.",
            interpretation,
        )
    ids = p.eligible_ids()
    stated = p.stated("mse_match_l1")
    turns = "; ".join(
        f"{ids[rd.invited]} ({format_inr(rd.cost)}) "
        f"{'accepts' if rd.accepted else 'declines'}"
        f"{'' if ids[rd.invited] in stated else ' (assumed)'}"
        for rd in r.rounds
    )
    test = (
        f"{head}: {before}, the award, is not an MSE; the MSEs within L1 + {band} ({limit}; L1 "
        f"{price}, {basis}) are invited to bring their price down to L1: {turns}"
    )
    if reason == "MSES_DECLINE":
        return f"{test}. None accepts: the award stays whole with {before}.", interpretation
    names = ", ".join(ids[k] for k in r.sharing)
    return (
        f"{test}. {names} supply {share} of the tendered value at the L1 price"
        f"{' in equal parts' if len(r.sharing) > 1 else ''}; {before} supplies the rest.",
        interpretation,
    )
